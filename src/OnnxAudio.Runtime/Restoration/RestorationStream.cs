using Microsoft.ML.OnnxRuntime;
using OnnxAudio.Dsp;

namespace OnnxAudio.Restoration;

/// <summary>
/// One real-time restoration stream: push samples as they arrive and get restored samples back, hop by hop. The
/// output lags the input by <see cref="Restorer.DelaySamples"/> (it starts with that many samples of the silence the
/// stream is primed with); <see cref="Flush"/> ends the stream so that every pushed sample has left. Holds its own
/// STFT buffers and recurrent state, so memory stays constant however long the stream runs. Not thread-safe; use one
/// stream per audio stream (the <see cref="Restorer"/> is shared).
/// </summary>
public sealed class RestorationStream : IDisposable
{
    /// <summary>Input samples handed to the model per call at most (64 frames at a 160-sample hop ≈ 10 k samples).</summary>
    internal const int BlockSamples = 8192;
    private const int MaxFramesPerRun = 64;

    private readonly Restorer _restorer;
    private readonly StreamingStft _analysis;
    private readonly StreamingIstft _synthesis;
    private readonly float _strength;
    private readonly float? _fixedLevel;
    private readonly int _bins;
    private readonly int _hop;
    private readonly float[] _real, _imag;
    private readonly int _lookAhead;
    private readonly float[] _spectrum, _mask;   // _spectrum: the last call's final L frames (the cache), then this call's
    private readonly float[] _zeros, _scratch;
    private readonly PitchFilter? _pitch;
    private readonly float[] _filtered = [];   // the frame being masked after the pitch filter (the model's buffer stays as it was)
    private readonly float[] _state, _nextState;
    private readonly OrtValue[] _oneFrameValues;    // spectrum, state, mask, next state (, cache) of one frame, bound once
    private readonly OrtIoBinding _oneFrame;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames = [Restorer.MaskOutput, Restorer.StateOutput];
    private readonly RunOptions _runOptions = new();
    private float[] _history = [];   // input samples not yet matched by output (declipping only)
    private int _historyCount;
    private float _runningPeak;
    private long _pushed, _emitted;
    private bool _primed;
    private bool _disposed;

    internal RestorationStream(Restorer restorer, float strength, float? clipLevel, bool pitchFilter = false)
    {
        if (!float.IsFinite(strength) || strength is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(strength), strength, "The strength must lie in [0, 1].");
        if (clipLevel is float l && (float.IsNaN(l) || l <= 0))
            throw new ArgumentOutOfRangeException(nameof(clipLevel), clipLevel, "The clipping level must be positive (ClipRepair.NoClipping when nothing was clipped).");
        _restorer = restorer;
        _strength = strength;
        _fixedLevel = clipLevel;
        _analysis = new StreamingStft(restorer.Stft);
        _synthesis = new StreamingIstft(restorer.Stft);
        _bins = restorer.Stft.Bins;
        _hop = restorer.HopLength;
        _lookAhead = restorer.LookAheadFrames;
        _real = new float[_bins];
        _imag = new float[_bins];
        // The model's buffers live on the pinned heap: ONNX Runtime reads and writes them in place, every call. With
        // look-ahead the spectrum buffer starts with the cache, so the frame a mask belongs to sits at the mask's index.
        _spectrum = GC.AllocateArray<float>((_lookAhead + MaxFramesPerRun) * _bins * 2, pinned: true);
        _mask = GC.AllocateArray<float>(MaxFramesPerRun * _bins * 2, pinned: true);
        _zeros = new float[restorer.Stft.NFft + _lookAhead * _hop];
        _scratch = new float[MaxOutputSamples(restorer.Stft.NFft)];
        _state = GC.AllocateArray<float>(restorer.StateLayers * restorer.StateHidden, pinned: true);
        _nextState = GC.AllocateArray<float>(_state.Length, pinned: true);
        if (pitchFilter)
        {
            _pitch = new PitchFilter(restorer.Stft, restorer.SampleRate);
            _filtered = new float[_bins * 2];
        }

        // Real-time pushes of one hop run the model on one frame at a time: those calls go through an IO binding made
        // once, so a call allocates nothing and ONNX Runtime skips re-binding names and shapes.
        _oneFrameValues =
        [
            Tensor(_spectrum.AsMemory(_lookAhead * _bins * 2, _bins * 2), 1, 1, _bins, 2),
            Tensor(_state.AsMemory(), restorer.StateLayers, 1, restorer.StateHidden),
            Tensor(_mask.AsMemory(0, _bins * 2), 1, 1, _bins, 2),
            Tensor(_nextState.AsMemory(), restorer.StateLayers, 1, restorer.StateHidden),
            .. _lookAhead > 0 ? [Tensor(_spectrum.AsMemory(0, _lookAhead * _bins * 2), 1, _lookAhead, _bins, 2)] : Array.Empty<OrtValue>(),
        ];
        _inputNames = _lookAhead > 0 ? [Restorer.SpectrumInput, Restorer.StateInput, Restorer.CacheInput] : [Restorer.SpectrumInput, Restorer.StateInput];
        _oneFrame = restorer.Session.CreateIoBinding();
        _oneFrame.BindInput(Restorer.SpectrumInput, _oneFrameValues[0]);
        _oneFrame.BindInput(Restorer.StateInput, _oneFrameValues[1]);
        _oneFrame.BindOutput(Restorer.MaskOutput, _oneFrameValues[2]);
        _oneFrame.BindOutput(Restorer.StateOutput, _oneFrameValues[3]);
        if (_lookAhead > 0)
            _oneFrame.BindInput(Restorer.CacheInput, _oneFrameValues[4]);
    }

    private static OrtValue Tensor(Memory<float> memory, params long[] shape) =>
        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, memory, shape);

    public Restorer Restorer => _restorer;

    /// <summary>The room the output span of <c>Push</c> (and <see cref="Flush"/>) needs for this many input samples.</summary>
    public int MaxOutputSamples(int inputSamples) => inputSamples + _restorer.Stft.NFft + (_lookAhead + 1) * _hop;

    /// <summary>
    /// Adds input samples (mono, at the model's rate) and writes the output samples they complete; returns how many.
    /// <paramref name="output"/> must hold <see cref="MaxOutputSamples"/>(input length).
    /// </summary>
    public int Push(ReadOnlySpan<float> input, Span<float> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (output.Length < MaxOutputSamples(input.Length))
            throw new ArgumentException($"The output must hold {MaxOutputSamples(input.Length)} samples for {input.Length} input samples.", nameof(output));
        int written = 0;
        if (!_primed)
        {
            // Prime with n_fft − hop zeros so that the first real sample lies inside full overlap-add coverage.
            _primed = true;
            Feed(_zeros.AsSpan(0, _restorer.Stft.NFft - _hop), countsAsInput: false, output, ref written);
        }

        for (int offset = 0; offset < input.Length; offset += MaxFramesPerRun * _hop)
            Feed(input.Slice(offset, Math.Min(MaxFramesPerRun * _hop, input.Length - offset)), countsAsInput: true, output, ref written);
        return written;
    }

    /// <summary>Convenience overload that allocates the output.</summary>
    public float[] Push(ReadOnlySpan<float> input)
    {
        var output = new float[MaxOutputSamples(input.Length)];
        return output[..Push(input, output)];
    }

    /// <summary>
    /// Ends the stream: pads with silence until every pushed sample has left, writes those last samples (at most
    /// <see cref="MaxOutputSamples"/>(0)) and resets the stream for a new one. Returns how many were written.
    /// </summary>
    public int Flush(Span<float> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (output.Length < MaxOutputSamples(0))
            throw new ArgumentException($"The output must hold {MaxOutputSamples(0)} samples.", nameof(output));
        int written = 0;
        if (_primed)
        {
            long target = _pushed + _restorer.DelaySamples;
            Span<float> scratch = _scratch;
            int produced = 0;
            Feed(_zeros, countsAsInput: false, scratch, ref produced);
            written = (int)Math.Min(produced, target - (_emitted - produced));
            scratch[..written].CopyTo(output);
        }

        Reset();
        return written;
    }

    /// <summary>Forgets the stream: state, buffers and counters start afresh.</summary>
    public void Reset()
    {
        _analysis.Reset();
        _synthesis.Reset();
        _pitch?.Reset();
        Array.Clear(_state);
        Array.Clear(_spectrum, 0, _lookAhead * _bins * 2);
        _historyCount = 0;
        _runningPeak = 0;
        _pushed = _emitted = 0;
        _primed = false;
    }

    private void Feed(ReadOnlySpan<float> samples, bool countsAsInput, Span<float> output, ref int written)
    {
        _analysis.Push(samples);
        _pitch?.Push(samples);
        if (countsAsInput)
            _pushed += samples.Length;
        if (_restorer.ClipConsistency)
            Remember(samples, countsAsInput);
        while (_analysis.AvailableFrames > 0)
        {
            int frames = Math.Min(MaxFramesPerRun, _analysis.AvailableFrames);
            long first = _analysis.FramesRead - _lookAhead;   // the analysis frame mask 0 belongs to
            for (int t = 0; t < frames; t++)
            {
                _analysis.TryReadFrame(_real, _imag);
                Span<float> frame = _spectrum.AsSpan((_lookAhead + t) * _bins * 2, _bins * 2);
                for (int f = 0; f < _bins; f++)
                {
                    frame[2 * f] = _real[f];
                    frame[2 * f + 1] = _imag[f];
                }
            }

            RunModel(frames);
            for (int t = 0; t < frames; t++)
            {
                ApplyMask(t, first + t);
                Span<float> block = output.Slice(written, _hop);
                _synthesis.PushFrame(_real, _imag, block);
                if (_restorer.ClipConsistency)
                    Project(block);
                written += _hop;
                _emitted += _hop;
            }

            KeepCache(frames);
        }
    }

    private void RunModel(int frames)
    {
        if (frames == 1)
        {
            _restorer.Session.RunWithBinding(_runOptions, _oneFrame);
        }
        else
        {
            using var spectrum = Tensor(_spectrum.AsMemory(_lookAhead * _bins * 2, frames * _bins * 2), 1, frames, _bins, 2);
            using var mask = Tensor(_mask.AsMemory(0, frames * _bins * 2), 1, frames, _bins, 2);
            OrtValue[] inputs = _lookAhead > 0 ? [spectrum, _oneFrameValues[1], _oneFrameValues[4]] : [spectrum, _oneFrameValues[1]];
            _restorer.Session.Run(_runOptions, _inputNames, inputs, _outputNames, [mask, _oneFrameValues[3]]);
        }

        _nextState.CopyTo(_state.AsSpan());
    }

    /// <summary>After the masks are applied: this call's last L frames become the next call's cache.</summary>
    private void KeepCache(int frames)
    {
        if (_lookAhead > 0)
            _spectrum.AsSpan(frames * _bins * 2, _lookAhead * _bins * 2).CopyTo(_spectrum);
    }

    /// <summary>
    /// Frame t of the spectrum buffer (the frame mask t belongs to, analysis frame <paramref name="frame"/>), pitch-filtered
    /// when the stream has the filter, times its mask blended with unity by the strength, into _real/_imag.
    /// </summary>
    private void ApplyMask(int t, long frame)
    {
        ReadOnlySpan<float> x = _spectrum.AsSpan(t * _bins * 2, _bins * 2), m = _mask.AsSpan(t * _bins * 2, _bins * 2);
        float s = _strength;
        if (_pitch is not null)
        {
            x.CopyTo(_filtered);
            _pitch.Filter(frame, _filtered, m, s);
            x = _filtered;
        }

        for (int f = 0; f < _bins; f++)
        {
            float mr = 1 + s * (m[2 * f] - 1), mi = s * m[2 * f + 1];
            float xr = x[2 * f], xi = x[2 * f + 1];
            _real[f] = mr * xr - mi * xi;
            _imag[f] = mr * xi + mi * xr;
        }
    }

    private void Remember(ReadOnlySpan<float> samples, bool countsAsInput)
    {
        if (_historyCount + samples.Length > _history.Length)
            Array.Resize(ref _history, Math.Max(_historyCount + samples.Length, 2 * _history.Length));
        samples.CopyTo(_history.AsSpan(_historyCount));
        _historyCount += samples.Length;
        if (countsAsInput)
            foreach (float v in samples)
                _runningPeak = MathF.Max(_runningPeak, MathF.Abs(v));
    }

    /// <summary>Clipping consistency on output samples, against the input samples they stand for (same position, delayed).</summary>
    private void Project(Span<float> block)
    {
        float level = _fixedLevel ?? _runningPeak;
        int n = Math.Min(block.Length, _historyCount);
        for (int i = 0; i < n; i++)
            block[i] = ClipRepair.Project(block[i], _history[i], level);
        Array.Copy(_history, n, _history, 0, _historyCount - n);
        _historyCount -= n;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _oneFrame.Dispose();
        foreach (OrtValue value in _oneFrameValues)
            value.Dispose();
        _runOptions.Dispose();
    }
}
