namespace OnnxAudio.Evaluation;

/// <summary>A labelled time span: a reference event or a detection (seconds from the start).</summary>
public readonly record struct TimedEvent(string Label, double Start, double End)
{
    public double Center => 0.5 * (Start + End);
}

/// <summary>
/// How a streaming detector did on long audio: a detection is a hit when its label matches a reference event not
/// matched yet and its centre lies inside that event widened by <c>tolerance</c> seconds on each side; other
/// detections are false alarms. Timing error is the mean |detection centre − event centre| over hits.
/// </summary>
public sealed class DetectionReport
{
    public int Events { get; private init; }

    public int Hits { get; private init; }

    public int Misses => Events - Hits;

    public int FalseAlarms { get; private init; }

    public double AudioHours { get; private init; }

    public double FalseAlarmsPerHour => AudioHours > 0 ? FalseAlarms / AudioHours : double.PositiveInfinity;

    public double Recall => Events == 0 ? 0 : Hits / (double)Events;

    public double MeanTimingErrorSeconds { get; private init; }

    public static DetectionReport Compute(IReadOnlyList<TimedEvent> reference, IReadOnlyList<TimedEvent> detections, double audioSeconds, double tolerance = 0.25)
    {
        var matched = new bool[reference.Count];
        int hits = 0, falseAlarms = 0;
        double timing = 0;
        foreach (TimedEvent d in detections.OrderBy(d => d.Start))
        {
            int best = -1;
            double bestDistance = double.MaxValue;
            for (int i = 0; i < reference.Count; i++)
            {
                TimedEvent e = reference[i];
                if (matched[i] || e.Label != d.Label || d.Center < e.Start - tolerance || d.Center > e.End + tolerance)
                    continue;
                double distance = Math.Abs(d.Center - e.Center);
                if (distance < bestDistance)
                {
                    best = i;
                    bestDistance = distance;
                }
            }

            if (best < 0)
            {
                falseAlarms++;
                continue;
            }

            matched[best] = true;
            hits++;
            timing += bestDistance;
        }

        return new DetectionReport
        {
            Events = reference.Count, Hits = hits, FalseAlarms = falseAlarms, AudioHours = audioSeconds / 3600,
            MeanTimingErrorSeconds = hits == 0 ? 0 : timing / hits,
        };
    }
}
