using BenchmarkDotNet.Attributes;
using OnnxAudio.Dsp;

namespace OnnxAudio.Benchmarks;

/// <summary>Log-mel front end (16 kHz, 25 ms / 10 ms, 512-point FFT, 40 bands): a 1 s clip (keyword spotting) and 60 s.</summary>
[MemoryDiagnoser]
public class LogMelBenchmarks
{
    private readonly LogMelSpectrogram _logMel = new(new LogMelOptions());
    private float[] _clip = [], _minute = [], _clipOut = [], _minuteOut = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _minute = Enumerable.Range(0, 60 * 16000).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        _clip = _minute[..16000];
        _clipOut = new float[_logMel.FrameCount(_clip.Length) * _logMel.NMels];
        _minuteOut = new float[_logMel.FrameCount(_minute.Length) * _logMel.NMels];
    }

    [Benchmark(Description = "log-mel, 1 s clip")]
    public void Clip() => _logMel.Compute(_clip, _clipOut);

    [Benchmark(Description = "log-mel, 60 s")]
    public void Minute() => _logMel.Compute(_minute, _minuteOut);
}
