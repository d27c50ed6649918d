namespace OnnxAudio.Dsp;

/// <summary>A complex spectrogram in frame-major layout: bin k of frame t at index t·Bins + k.</summary>
public sealed class ComplexSpectrogram
{
    public ComplexSpectrogram(int frames, int bins)
    {
        Frames = frames;
        Bins = bins;
        Real = new float[frames * bins];
        Imag = new float[frames * bins];
    }

    public int Frames { get; }

    public int Bins { get; }

    public float[] Real { get; }

    public float[] Imag { get; }
}
