using OnnxAudio.Evaluation;

namespace OnnxAudio.Tests.Evaluation;

public class RecognitionMetricsTests
{
    [Fact]
    public void Classification_report_matches_a_hand_count()
    {
        // truth:   a a b b c      predicted: a b b b a
        var report = ClassificationReport.Compute([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], ["a", "b", "c"]);
        Assert.Equal(0.6, report.Accuracy, 9);
        Assert.Equal(1, report.Confusion[0, 0]);
        Assert.Equal(1, report.Confusion[0, 1]);
        Assert.Equal(1, report.Confusion[2, 0]);
        ClassMetrics b = report.Classes[1];
        Assert.Equal(2 / 3.0, b.Precision, 9);
        Assert.Equal(1.0, b.Recall, 9);
        Assert.Equal(0.8, b.F1, 9);
        Assert.Equal(0.5, report.Classes[0].Precision, 9);
        Assert.Equal(0, report.Classes[2].Recall, 9);
    }

    [Fact]
    public void Detection_report_counts_hits_misses_false_alarms_and_timing()
    {
        TimedEvent[] reference = [new("yes", 10, 11), new("no", 20, 21), new("yes", 30, 31)];
        TimedEvent[] detections =
        [
            new("yes", 10.2, 11.2),  // hit, centre 0.2 s late
            new("yes", 10.3, 11.3),  // the same event again: false alarm
            new("yes", 20.0, 21.0),  // wrong label: false alarm
            new("yes", 29.6, 30.6),  // hit, 0.4 s early
        ];
        var report = DetectionReport.Compute(reference, detections, audioSeconds: 1800);
        Assert.Equal(2, report.Hits);
        Assert.Equal(1, report.Misses);
        Assert.Equal(2, report.FalseAlarms);
        Assert.Equal(4.0, report.FalseAlarmsPerHour, 9);
        Assert.Equal(0.3, report.MeanTimingErrorSeconds, 9);
        Assert.Equal(2 / 3.0, report.Recall, 9);
    }

    [Fact]
    public void Bitrate_is_bits_over_seconds()
    {
        Assert.Equal(6.0, Bitrate.Kbps(750, 1.0), 9);
        Assert.Equal(1.5, Bitrate.Kbps(1875, 10.0), 9);
    }
}
