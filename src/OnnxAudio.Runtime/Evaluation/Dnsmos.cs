using Microsoft.ML.OnnxRuntime;
using OnnxAudio.Audio;
using OnnxAudio.Onnx;

namespace OnnxAudio.Evaluation;

/// <summary>
/// DNSMOS P.835 (Reddy, Gopal &amp; Cutler, ICASSP 2022): predicted mean opinion scores for speech quality (SIG),
/// background intrusiveness (BAK) and overall quality (OVRL), 1–5, without a clean reference. Microsoft's model
/// (<c>models/dnsmos.onnx</c>, CC BY 4.0) scores 9.01 s windows of 16 kHz audio; this class follows the reference
/// procedure: a shorter clip is doubled (appended to itself) until it fills a window, windows start every second,
/// <c>floor(len / 16000 − 9.01) + 1</c> of them, and each raw score is mapped by the non-personalised polynomials
/// before the mean over windows. Thread-safe.
/// </summary>
public sealed class Dnsmos : IDisposable
{
    public const int SampleRate = 16000;
    public const int WindowSamples = 144_160;

    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string _outputName;

    private Dnsmos(InferenceSession session)
    {
        _session = session;
        _inputName = session.InputNames[0];
        _outputName = session.OutputNames[0];
    }

    public static Dnsmos Load(string path, InferenceOptions? options = null)
    {
        byte[] model = ModelFile.Read(path);
        InferenceSession session;
        try
        {
            session = SessionFactory.Create(model, options ?? InferenceOptions.Default, out _);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxAudioException($"{path}: not a loadable ONNX model: {e.Message}", e);
        }

        var inputs = session.InputMetadata;
        if (inputs.Count != 1 || session.OutputMetadata.Count != 1 || inputs.Values.First().Dimensions is not [_, WindowSamples])
        {
            session.Dispose();
            throw new OnnxAudioException($"{path}: not the DNSMOS P.835 model (expected one input of {WindowSamples} samples and one output)");
        }

        return new Dnsmos(session);
    }

    /// <summary>Scores a file (any format the runtime reads), as 16 kHz mono.</summary>
    public DnsmosScore Score(string path) => Score(AudioFile.ReadMono(path, SampleRate));

    /// <summary>Scores 16 kHz mono samples in [−1, 1].</summary>
    public DnsmosScore Score(ReadOnlySpan<float> samples)
    {
        if (samples.Length == 0)
            throw new OnnxAudioException("DNSMOS needs at least one sample");
        float[] audio = samples.ToArray();
        while (audio.Length < WindowSamples)
            audio = [.. audio, .. audio];
        int hops = (int)Math.Floor(audio.Length / (double)SampleRate - WindowSamples / (double)SampleRate) + 1;
        double sig = 0, bak = 0, ovrl = 0;
        int used = 0;
        for (int h = 0; h < hops; h++)
        {
            int start = h * SampleRate;
            if (start + WindowSamples > audio.Length)
                continue;
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, audio.AsMemory(start, WindowSamples), [1, WindowSamples]);
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, [_inputName], [input], [_outputName]);
            ReadOnlySpan<float> raw = outputs[0].GetTensorDataAsSpan<float>();
            sig += Polynomial(raw[0], -0.08397278, 1.22083953, 0.0052439);
            bak += Polynomial(raw[1], -0.13166888, 1.60915514, -0.39604546);
            ovrl += Polynomial(raw[2], -0.06766283, 1.11546468, 0.04602535);
            used++;
        }

        return new DnsmosScore(sig / used, bak / used, ovrl / used, used);
    }

    public void Dispose() => _session.Dispose();

    private static double Polynomial(double x, double a, double b, double c) => a * x * x + b * x + c;
}
