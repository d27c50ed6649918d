using OnnxAudio.Dsp;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests.Dsp;

/// <summary>The runtime's STFT, iSTFT and mel filters against TorchSharp's torch.stft, torch.istft and torchaudio.</summary>
public class TorchParityTests
{
    private static float[] Signal(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [InlineData(512, 128, 512, true, true)]
    [InlineData(400, 160, 400, true, true)]
    [InlineData(512, 160, 400, true, false)]
    [InlineData(320, 160, 320, false, false)]
    public void Stft_matches_torch_stft(int nFft, int hop, int win, bool center, bool reflect)
    {
        float[] x = Signal(16000, nFft);
        using var scope = NewDisposeScope();
        Tensor spec = torch.stft(tensor(x), nFft, hop, win, hann_window(win), center,
            reflect ? PaddingModes.Reflect : PaddingModes.Constant, return_complex: true);
        float[] torchRi = view_as_real(spec).contiguous().data<float>().ToArray(); // [bins, frames, 2]
        long bins = spec.shape[0], frames = spec.shape[1];

        var stft = new Stft(new StftOptions { NFft = nFft, HopLength = hop, WinLength = win, Center = center, PadMode = reflect ? PaddingMode.Reflect : PaddingMode.Constant });
        ComplexSpectrogram ours = stft.Forward(x);
        Assert.Equal(frames, ours.Frames);
        Assert.Equal(bins, ours.Bins);
        double maxErr = 0;
        for (int k = 0; k < bins; k++)
            for (int t = 0; t < frames; t++)
            {
                maxErr = Math.Max(maxErr, Math.Abs(ours.Real[t * bins + k] - torchRi[(k * frames + t) * 2]));
                maxErr = Math.Max(maxErr, Math.Abs(ours.Imag[t * bins + k] - torchRi[(k * frames + t) * 2 + 1]));
            }

        Assert.True(maxErr < 1e-4, $"max abs difference {maxErr:E2}");
    }

    [Fact]
    public void Istft_matches_torch_istft()
    {
        float[] x = Signal(8000, 2);
        var stft = new Stft(new StftOptions { NFft = 512, HopLength = 128 });
        ComplexSpectrogram s = stft.Forward(x);
        float[] ours = stft.Inverse(s, x.Length);

        using var scope = NewDisposeScope();
        Tensor spec = torch.stft(tensor(x), 512, 128, 512, hann_window(512), true, PaddingModes.Reflect, return_complex: true);
        float[] theirs = torch.istft(spec, 512, 128, 512, hann_window(512), center: true, length: x.Length).data<float>().ToArray();
        for (int i = 0; i < x.Length; i++)
            Assert.True(Math.Abs(ours[i] - theirs[i]) < 1e-4, $"sample {i}: {ours[i]} vs {theirs[i]}");
    }

    [Theory]
    [InlineData(40, 20.0, false, true)]
    [InlineData(80, 0.0, true, false)]
    public void Log_mel_matches_torch_stft_power_through_an_independent_mel_matrix(int nMels, double fMin, bool htk, bool slaney)
    {
        float[] x = Signal(16000, nMels);
        var options = new LogMelOptions
        {
            NMels = nMels, FMin = fMin, Scale = htk ? MelScale.Htk : MelScale.Slaney,
            Normalization = slaney ? MelNormalization.Slaney : MelNormalization.None,
        };
        float[] ours = new LogMelSpectrogram(options).Compute(x);

        double[,] matrix = OnnxAudio.Tests.TestSupport.DspReference.MelMatrix(16000, 512, nMels, fMin, 8000, htk, slaney);
        var flat = new float[nMels * 257];
        for (int m = 0; m < nMels; m++)
            for (int k = 0; k < 257; k++)
                flat[m * 257 + k] = (float)matrix[m, k];
        using var scope = NewDisposeScope();
        Tensor spec = torch.stft(tensor(x), 512, 160, 400, hann_window(400), true, PaddingModes.Reflect, return_complex: true);
        Tensor power = spec.abs().pow(2);                                  // [257, frames]
        Tensor mel = tensor(flat).reshape(nMels, 257).matmul(power);       // [mels, frames]
        float[] theirs = mel.clamp_min(1e-6).log().t().contiguous().data<float>().ToArray();
        Assert.Equal(theirs.Length, ours.Length);
        double maxErr = theirs.Zip(ours, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxErr < 1e-4, $"max abs difference {maxErr:E2}");
    }
}
