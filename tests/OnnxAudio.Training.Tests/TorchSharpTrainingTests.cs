using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests;

/// <summary>TorchSharp loads from a clean clone through 'dotnet test', and autograd plus Adam train a model.</summary>
public class TorchSharpTrainingTests
{
    [Fact]
    public void A_tiny_model_learns_a_known_linear_map()
    {
        torch.manual_seed(0);
        // Target: y = x·W + b with known W, b; a Linear layer trained by Adam must recover them.
        var w = tensor(new float[] { 2f, -3f, 0.5f }).reshape(3, 1);
        var b = tensor(1.25f);
        var model = nn.Linear(3, 1);
        var optimizer = optim.Adam(model.parameters(), lr: 0.05);
        float first = 0, last = 0;
        for (int step = 0; step < 300; step++)
        {
            using var scope = NewDisposeScope();
            var x = randn(64, 3);
            var y = x.matmul(w) + b;
            var loss = nn.functional.mse_loss(model.forward(x), y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            if (step == 0)
                first = loss.item<float>();
            last = loss.item<float>();
        }

        Assert.True(last < first * 1e-3, $"loss went from {first} to {last}");
        float[] learned = model.weight!.data<float>().ToArray();
        Assert.Equal(2f, learned[0], 1);
        Assert.Equal(-3f, learned[1], 1);
        Assert.Equal(1.25f, model.bias!.item<float>(), 1);
    }
}
