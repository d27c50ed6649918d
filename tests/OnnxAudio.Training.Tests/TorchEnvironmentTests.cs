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

        Assert.Equal("AVX2", Environment.GetEnvironmentVariable(TorchEnvironment.OneDnnIsaVariable));
    }
}
