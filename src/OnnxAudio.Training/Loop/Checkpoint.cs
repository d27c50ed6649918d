using System.Globalization;
using System.Text.Json;
using TorchSharp;

namespace OnnxAudio.Training.Loop;

/// <summary>
/// A resumable checkpoint: model weights, optimizer state (AdamW moments) and <see cref="CheckpointState"/>, in one
/// folder. Written to a sibling temporary folder first and swapped in, so an interrupted save never destroys the
/// previous checkpoint.
/// </summary>
public static class Checkpoint
{
    private const string ModelFile = "model.bin", OptimizerFile = "optimizer.bin", StateFile = "state.json";

    public static CheckpointState ReadState(string folder)
    {
        string statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath))
            throw new OnnxAudioException($"{folder}: no checkpoint there ({StateFile} is missing); train first");
        return JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(statePath))
            ?? throw new OnnxAudioException($"{statePath}: unreadable checkpoint state");
    }

    public static bool Exists(string folder) => File.Exists(Path.Combine(folder, StateFile));

    /// <param name="saveExtra">Writes the task's own training state (e.g. a discriminator) into the folder being saved.</param>
    public static void Save(string folder, torch.nn.Module model, torch.optim.Optimizer optimizer, CheckpointState state, Action<string>? saveExtra = null)
    {
        string full = Path.GetFullPath(folder);
        string temp = full + ".saving", old = full + ".old";
        if (Directory.Exists(temp))
            Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        model.save(Path.Combine(temp, ModelFile));
        ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(Path.Combine(temp, OptimizerFile));
        saveExtra?.Invoke(temp);
        File.WriteAllText(Path.Combine(temp, StateFile), JsonSerializer.Serialize(state, new JsonSerializerOptions { WriteIndented = true }));
        if (Directory.Exists(old))
            Directory.Delete(old, recursive: true);
        if (Directory.Exists(full))
            Directory.Move(full, old);
        Directory.Move(temp, full);
        if (Directory.Exists(old))
            Directory.Delete(old, recursive: true);
    }

    /// <summary>Loads only the model weights (for evaluation and export) and returns the saved state.</summary>
    public static CheckpointState LoadModel(string folder, torch.nn.Module model)
    {
        CheckpointState state = ReadState(folder);
        model.load(Path.Combine(folder, ModelFile));
        return state;
    }

    /// <summary>
    /// Warm start: copies the weights of a run folder's (or a checkpoint folder's) model into <paramref name="model"/>
    /// wherever a parameter of the same name exists; the others keep their initial values. Returns the names of those
    /// left at their initial values. Fails if nothing matched (the folder holds another kind of model).
    /// </summary>
    public static IReadOnlyList<string> LoadCompatible(string folder, torch.nn.Module model)
    {
        string file = new[] { Path.Combine(folder, "checkpoint", ModelFile), Path.Combine(folder, ModelFile) }.FirstOrDefault(File.Exists)
            ?? throw new OnnxAudioException($"{folder}: no checkpoint to start from (expected checkpoint/{ModelFile} or {ModelFile})");
        var loaded = new Dictionary<string, bool>();
        try
        {
            model.load(file, strict: false, loadedParameters: loaded);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            throw new OnnxAudioException($"{file}: cannot initialise this model from it ({e.Message})");
        }

        if (!loaded.Values.Any(v => v))
            throw new OnnxAudioException($"{file}: none of its weights fit this model");
        return model.state_dict().Keys.Where(k => !loaded.GetValueOrDefault(k)).ToList();
    }

    /// <summary>
    /// Sets <paramref name="model"/>'s weights to the mean of several saved weight files of the same architecture (e.g.
    /// the last checkpoints of a run: averaging along the end of a run usually generalises a little better than any one
    /// of them — Izmailov et al. 2018, "Averaging Weights Leads to Wider Optima"). Batch-norm running statistics are
    /// averaged like the weights; counters keep the last file's value.
    /// </summary>
    public static void AverageWeights(torch.nn.Module model, IReadOnlyList<string> weightFiles)
    {
        if (weightFiles.Count < 2)
            throw new OnnxAudioException("averaging needs at least two weight files");
        var sums = new Dictionary<string, torch.Tensor>();
        try
        {
            using var noGrad = torch.no_grad();
            foreach (string file in weightFiles)
            {
                if (!File.Exists(file))
                    throw new OnnxAudioException($"{file}: no such weight file");
                try
                {
                    model.load(file);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
                {
                    throw new OnnxAudioException($"{file}: not weights of this run's model ({e.Message})");
                }

                foreach (var (name, value) in model.state_dict())
                {
                    if (sums.TryGetValue(name, out torch.Tensor? sum))
                        sum.add_(value);
                    else
                        sums[name] = value.detach().clone();
                }
            }

            // Floating-point tensors (parameters, batch-norm running statistics) become the mean; integer ones
            // (batch norm's num_batches_tracked, a count, not a weight) keep the last file's value.
            foreach (var (name, value) in model.state_dict())
                if (value.is_floating_point())
                    value.copy_(sums[name].div_(weightFiles.Count));
        }
        finally
        {
            foreach (torch.Tensor sum in sums.Values)
                sum.Dispose();
        }
    }

    /// <summary>
    /// The highest step among <paramref name="weightFiles"/> when every one is a snapshot kept along the run in
    /// <paramref name="runFolder"/> (<c>kept/step-N.bin</c>); null when any is not.
    /// </summary>
    public static int? LatestKeptStep(string runFolder, IReadOnlyList<string> weightFiles)
    {
        string kept = Path.GetFullPath(Path.Combine(runFolder, "kept"));
        int? latest = null;
        foreach (string file in weightFiles)
        {
            string name = Path.GetFileName(file);
            if (Path.GetDirectoryName(Path.GetFullPath(file)) != kept || !name.StartsWith("step-", StringComparison.Ordinal) || !name.EndsWith(".bin", StringComparison.Ordinal)
                || !int.TryParse(name["step-".Length..^".bin".Length], NumberStyles.None, CultureInfo.InvariantCulture, out int step))
                return null;
            latest = Math.Max(latest ?? 0, step);
        }

        return latest;
    }

    /// <summary>Writes weights and state only (no optimizer state): a checkpoint to evaluate and export, not to resume.</summary>
    public static void SaveWeights(string folder, torch.nn.Module model, CheckpointState state)
    {
        Directory.CreateDirectory(folder);
        model.save(Path.Combine(folder, ModelFile));
        File.WriteAllText(Path.Combine(folder, StateFile), JsonSerializer.Serialize(state, new JsonSerializerOptions { WriteIndented = true }));
    }

    public static CheckpointState Load(string folder, torch.nn.Module model, torch.optim.Optimizer optimizer)
    {
        CheckpointState state = LoadModel(folder, model);
        RequireOptimizerState(folder);
        ((TorchSharp.Modules.OptimizerHelper)optimizer).load_state_dict(Path.Combine(folder, OptimizerFile));
        return state;
    }

    /// <summary>Refuses a checkpoint without optimizer state (an average of snapshots): it can be exported, not resumed.</summary>
    public static void RequireOptimizerState(string folder)
    {
        if (Directory.Exists(folder) && !File.Exists(Path.Combine(folder, OptimizerFile)))
            throw new OnnxAudioException($"{folder}: weights only (e.g. averaged), no optimizer state to resume from; export or evaluate it instead");
    }
}
