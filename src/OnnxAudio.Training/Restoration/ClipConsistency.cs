using static TorchSharp.torch;

namespace OnnxAudio.Training.Restoration;

/// <summary>
/// The clipping-consistency projection of declipping (as in consistent iterative hard thresholding, Kitić et al. 2015):
/// where the input is below the clipping level the output is the input itself; where it was clipped, the output keeps
/// the clipped sign and is at least the level. The runtime's <c>ClipRepair</c> applies the same rule.
/// </summary>
public static class ClipConsistency
{
    /// <summary>Relative tolerance below the level at which a sample still counts as clipped.</summary>
    public const float Tolerance = 1e-3f;

    /// <param name="estimate">The model's waveform [batch, samples].</param>
    /// <param name="clipped">The clipped input [batch, samples].</param>
    /// <param name="levels">The clipping level per example [batch, 1]; 0 leaves that example's estimate unchanged.</param>
    public static Tensor Project(Tensor estimate, Tensor clipped, Tensor levels)
    {
        Tensor sign = clipped.sign();
        Tensor isClipped = (clipped.abs() >= levels * (1 - Tolerance)) & (levels > 0);
        Tensor repaired = sign * maximum(estimate * sign, levels);
        Tensor reliable = where(levels > 0, clipped, estimate);
        return where(isClipped, repaired, reliable);
    }
}
