namespace OnnxAudio.Audio;

/// <summary>Wraps a source, converting it to another sample rate with <see cref="Resampler"/>.</summary>
public sealed class ResamplingSource : IAudioSource
{
    private const int InputBlockFrames = 4096;

    private readonly IAudioSource _inner;
    private readonly Resampler _resampler;
    private readonly float[] _input;
    private readonly float[] _output;
    private int _outputStart;
    private int _outputCount;
    private bool _ended;

    public ResamplingSource(IAudioSource inner, int outputRate)
    {
        _inner = inner;
        int channels = inner.Format.Channels;
        Format = new AudioFormat(outputRate, channels);
        _resampler = new Resampler(inner.Format.SampleRate, outputRate, channels);
        _input = new float[InputBlockFrames * channels];
        _output = new float[Math.Max(_resampler.MaxOutputFrames(InputBlockFrames), _resampler.MaxFlushFrames) * channels];
        LengthFrames = inner.LengthFrames is long n ? Resampler.OutputLength(n, inner.Format.SampleRate, outputRate) : null;
    }

    public string Name => _inner.Name;

    public AudioFormat Format { get; }

    public long? LengthFrames { get; }

    public int Read(Span<float> buffer)
    {
        int channels = Format.Channels;
        int capacity = buffer.Length / channels * channels;
        int written = 0;
        while (written < capacity)
        {
            if (_outputCount == 0)
            {
                if (_ended)
                    break;
                _outputStart = 0;
                int n = _inner.Read(_input);
                if (n == 0)
                {
                    _ended = true;
                    _outputCount = _resampler.Flush(_output);
                }
                else
                {
                    _outputCount = _resampler.Process(_input.AsSpan(0, n), _output);
                }

                continue;
            }

            int take = Math.Min(_outputCount, capacity - written);
            _output.AsSpan(_outputStart, take).CopyTo(buffer[written..]);
            written += take;
            _outputStart += take;
            _outputCount -= take;
        }

        return written;
    }

    public void Dispose() => _inner.Dispose();
}
