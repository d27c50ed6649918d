using OnnxAudio.Audio;

namespace OnnxAudio.Recognition;

/// <summary>
/// Finds keywords in long audio with an <see cref="AudioClassifier"/> (or any <see cref="IClipClassifier"/>): a window of the model's clip length slides by
/// <see cref="DetectorOptions.HopMs"/>; posteriors are averaged over the last few windows; a keyword's detection opens
/// when its smoothed probability reaches the threshold and closes when it drops below half of it, reporting the span of
/// the windows above threshold and the peak score. Memory holds one window, whatever the length of the stream.
/// One detector per stream; the classifier may be shared.
/// </summary>
public sealed class KeywordDetector
{
    private readonly IClipClassifier _classifier;
    private readonly DetectorOptions _options;
    private readonly int _hop;
    private readonly bool[] _reported;

    public KeywordDetector(IClipClassifier classifier, DetectorOptions? options = null)
    {
        _classifier = classifier;
        _options = options ?? new DetectorOptions { Threshold = classifier.DetectionThreshold };
        _options.Validate();
        _hop = _classifier.SampleRate * _options.HopMs / 1000;
        _reported = _classifier.Labels.Select(l => !_options.IgnoredLabels.Contains(l)).ToArray();
    }

    /// <summary>Detects keywords in a source (converted to mono at the model's rate), streaming.</summary>
    public IEnumerable<Detection> Detect(IAudioSource source, CancellationToken cancellationToken = default)
    {
        // The caller owns and disposes the source; the wrappers hold no resources of their own.
        IAudioSource mono = source.ToMono().ResampleTo(_classifier.SampleRate);
        int window = _classifier.ClipSamples, classes = _classifier.Labels.Count;
        float[] buffer = new float[window];
        float[] block = new float[_hop];
        float[] probabilities = new float[classes];
        var history = new Queue<float[]>();
        var smoothed = new float[classes];
        var open = new (double Start, double End, float Peak)?[classes];
        long consumed = 0; // samples that have entered the window
        int filled = 0;

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int got = ReadFully(mono, block);
            if (got == 0)
                break;
            // Slide the window left by what arrived and append it.
            int keep = window - got;
            Array.Copy(buffer, got, buffer, 0, keep);
            Array.Copy(block, 0, buffer, keep, got);
            consumed += got;
            filled = (int)Math.Min(window, filled + got);
            if (filled < window / 2)
                continue;

            _classifier.Probabilities(buffer, probabilities);
            history.Enqueue((float[])probabilities.Clone());
            if (history.Count > _options.SmoothingWindows)
                history.Dequeue();
            Array.Clear(smoothed);
            foreach (float[] p in history)
                for (int c = 0; c < classes; c++)
                    smoothed[c] += p[c] / history.Count;

            double end = consumed / (double)_classifier.SampleRate, start = Math.Max(0, end - window / (double)_classifier.SampleRate);
            for (int c = 0; c < classes; c++)
            {
                if (!_reported[c])
                    continue;
                if (open[c] is { } active)
                {
                    if (smoothed[c] >= _options.Threshold / 2)
                        open[c] = (active.Start, end, Math.Max(active.Peak, smoothed[c]));
                    else
                    {
                        yield return new Detection(active.Start, active.End, _classifier.Labels[c], active.Peak);
                        open[c] = null;
                    }
                }
                else if (smoothed[c] >= _options.Threshold)
                {
                    open[c] = (start, end, smoothed[c]);
                }
            }

            if (got < block.Length)
                break;
        }

        for (int c = 0; c < classes; c++)
            if (open[c] is { } active)
                yield return new Detection(active.Start, active.End, _classifier.Labels[c], active.Peak);
    }

    private static int ReadFully(IAudioSource source, float[] block)
    {
        int total = 0, n;
        while (total < block.Length && (n = source.Read(block.AsSpan(total))) > 0)
            total += n;
        return total;
    }
}
