using System.Buffers;
using System.Numerics.Tensors;

namespace OnnxAudio.Dsp;

/// <summary>Mel-frequency cepstral coefficients: an orthonormal DCT-II of each log-mel frame, keeping the first
/// <see cref="NCoefficients"/> (librosa.feature.mfcc with <c>dct_type=2, norm='ortho'</c>). Thread-safe.</summary>
public sealed class Mfcc
{
    private readonly LogMelSpectrogram _logMel;
    private readonly float[] _dct; // NCoefficients × NMels

    public Mfcc(LogMelOptions options, int nCoefficients = 13)
    {
        _logMel = new LogMelSpectrogram(options);
        int nMels = options.NMels;
        if (nCoefficients < 1 || nCoefficients > nMels)
            throw new ArgumentException($"The number of coefficients must be 1..{nMels}.");
        NCoefficients = nCoefficients;
        _dct = new float[nCoefficients * nMels];
        for (int i = 0; i < nCoefficients; i++)
        {
            double scale = i == 0 ? Math.Sqrt(1.0 / nMels) : Math.Sqrt(2.0 / nMels);
            for (int n = 0; n < nMels; n++)
                _dct[i * nMels + n] = (float)(scale * Math.Cos(Math.PI * i * (2 * n + 1) / (2.0 * nMels)));
        }
    }

    public int NCoefficients { get; }

    public int FrameCount(int samples) => _logMel.FrameCount(samples);

    /// <summary>Computes FrameCount × NCoefficients values into <paramref name="output"/>.</summary>
    public void Compute(ReadOnlySpan<float> signal, Span<float> output)
    {
        int frames = FrameCount(signal.Length), nMels = _logMel.NMels;
        if (output.Length < frames * NCoefficients)
            throw new ArgumentException($"The output must hold {frames} frames × {NCoefficients} coefficients.");
        float[] mel = ArrayPool<float>.Shared.Rent(frames * nMels);
        try
        {
            _logMel.Compute(signal, mel);
            for (int t = 0; t < frames; t++)
            {
                ReadOnlySpan<float> frame = mel.AsSpan(t * nMels, nMels);
                for (int i = 0; i < NCoefficients; i++)
                    output[t * NCoefficients + i] = TensorPrimitives.Dot(_dct.AsSpan(i * nMels, nMels), frame);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(mel);
        }
    }

    public float[] Compute(ReadOnlySpan<float> signal)
    {
        var output = new float[FrameCount(signal.Length) * NCoefficients];
        Compute(signal, output);
        return output;
    }
}
