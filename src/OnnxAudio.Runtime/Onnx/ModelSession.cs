using Microsoft.ML.OnnxRuntime;

namespace OnnxAudio.Onnx;

/// <summary>
/// An ONNX Runtime session with the OnnxAudio metadata of its model, checked to be of the expected job. Every engine
/// (classifier, restorer, codec) loads through here, so loading errors read the same everywhere.
/// </summary>
internal sealed class ModelSession : IDisposable
{
    private ModelSession(InferenceSession session, ModelInfo metadata, ExecutionProvider provider, InferenceOptions options)
    {
        Session = session;
        Metadata = metadata;
        Provider = provider;
        Options = options;
    }

    public InferenceSession Session { get; }

    public ModelInfo Metadata { get; }

    public ExecutionProvider Provider { get; }

    /// <summary>The options the session was made with (the engine reads <see cref="InferenceOptions.WarmUp"/>).</summary>
    public InferenceOptions Options { get; }

    public static ModelSession Load(string path, InferenceOptions? options, string expectedTask)
    {
        return Load(ModelFile.Read(path), path, options, expectedTask);
    }

    public static ModelSession Load(byte[] model, string name, InferenceOptions? options, string expectedTask)
    {
        InferenceSession session;
        ExecutionProvider used;
        options ??= InferenceOptions.Default;
        try
        {
            session = SessionFactory.Create(model, options, out used);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxAudioException($"{name}: not a loadable ONNX model: {e.Message}", e);
        }

        try
        {
            var metadata = ModelInfo.From(name, session.ModelMetadata.CustomMetadataMap);
            if (metadata.Task != expectedTask)
                throw new OnnxAudioException($"{name}: this is a '{metadata.Task}' model, not a {expectedTask} model");
            return new ModelSession(session, metadata, used, options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Fails unless the graph has exactly these inputs and outputs (in any order).</summary>
    public void RequireSignature(string[] inputs, string[] outputs)
    {
        bool Same(IEnumerable<string> actual, string[] expected) => actual.Order(StringComparer.Ordinal).SequenceEqual(expected.Order(StringComparer.Ordinal));
        if (!Same(Session.InputNames, inputs) || !Same(Session.OutputNames, outputs))
            throw new OnnxAudioException(
                $"{Metadata.Name}: unexpected model signature: inputs ({string.Join(", ", Session.InputNames)}) → outputs " +
                $"({string.Join(", ", Session.OutputNames)}); expected ({string.Join(", ", inputs)}) → ({string.Join(", ", outputs)})");
    }

    public void Dispose() => Session.Dispose();
}
