using OnnxAudio.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Loop;

/// <summary>
/// What the generic <see cref="Trainer{TBatch}"/> needs from a task (recognition, restoration, compression…): the
/// model, its training batches, the loss of one batch, held-out metrics and the ONNX export.
/// </summary>
public interface ITrainingTask<TBatch> : IDisposable
{
    /// <summary>Short name, used in logs and metadata.</summary>
    string Name { get; }

    nn.Module Model { get; }

    /// <summary>Batches of managed data, prefetched in the background.</summary>
    IBatchSource<TBatch> TrainData { get; }

    /// <summary>The loss of one batch in training mode (called inside the step's dispose scope).</summary>
    Tensor ComputeLoss(TBatch batch);

    /// <summary>Held-out metrics; called with the model in evaluation mode and gradients off.</summary>
    IReadOnlyDictionary<string, double> Evaluate();

    /// <summary>Writes the trained model as ONNX with its metadata (see <see cref="TrainingRecord"/>).</summary>
    void Export(string onnxPath, TrainingRecord record);

    /// <summary>Saves training state the task owns besides the model and its optimizer (a GAN's discriminator) into a checkpoint folder being written.</summary>
    void SaveTrainingState(string checkpointFolder)
    {
    }

    /// <summary>Restores what <see cref="SaveTrainingState"/> wrote, when a run resumes; a checkpoint without it leaves the task's fresh state.</summary>
    void LoadTrainingState(string checkpointFolder)
    {
    }
}
