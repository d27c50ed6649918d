using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests;

/// <summary>Inference-mode kernels must agree with training-mode ones (see <see cref="TorchEnvironment"/>).</summary>
public class TorchEnvironmentTests
{
    [Fact]
    public void Lstm_and_transposed_convolution_give_the_same_values_with_and_without_gradients()
    {
        torch.manual_seed(3);
        var lstm = nn.LSTM(3, 2, numLayers: 1, batchFirst: true);
        var convT = nn.ConvTranspose1d(8, 5, 5, stride: 1, padding: 1);
        Tensor xs = randn(1, 4, 3), xc = randn(2, 8, 17);
        float[] lstmGrad = lstm.forward(xs).Item1.detach().data<float>().ToArray();
        float[] convGrad = convT.forward(xc).detach().data<float>().ToArray();
        lstm.eval();
        using (no_grad())
        {
            float[] lstmInference = lstm.forward(xs).Item1.data<float>().ToArray();
            float[] convInference = convT.forward(xc).data<float>().ToArray();
            Assert.True(lstmGrad.Zip(lstmInference, (a, b) => Math.Abs(a - b)).Max() < 1e-5, "LSTM inference differs");
            Assert.True(convGrad.Zip(convInference, (a, b) => Math.Abs(a - b)).Max() < 1e-5, "ConvTranspose1d inference differs");
        }

        Assert.Equal("SSE41", Environment.GetEnvironmentVariable(TorchEnvironment.OneDnnIsaVariable));
    }

    [Fact]
    public void A_wide_convolution_matches_a_naive_one()
    {
        // At ONEDNN_MAX_CPU_ISA=AVX2, libtorch got this one wrong by up to 0.74 on outputs of size ~12.
        torch.manual_seed(2);
        using var conv = nn.Conv1d(321, 24, 3, padding: 1);
        using var input = randn(1, 321, 40) * 4;
        float[] actual = conv.forward(input).data<float>().ToArray();
        float[] x = input.data<float>().ToArray(), w = conv.weight!.data<float>().ToArray(), b = conv.bias!.data<float>().ToArray();
        double worst = 0;
        for (int o = 0; o < 24; o++)
            for (int t = 0; t < 40; t++)
            {
                double acc = b[o];
                for (int i = 0; i < 321; i++)
                    for (int k = 0; k < 3; k++)
                        if (t + k - 1 is >= 0 and < 40)
                            acc += w[(o * 321 + i) * 3 + k] * (double)x[i * 40 + t + k - 1];
                worst = Math.Max(worst, Math.Abs(acc - actual[o * 40 + t]));
            }

        Assert.True(worst < 1e-3, $"Conv1d(321→24) differs from the naive convolution by {worst}");
    }
}
