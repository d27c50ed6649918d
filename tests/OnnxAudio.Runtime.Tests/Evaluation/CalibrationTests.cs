using OnnxAudio.Evaluation;

namespace OnnxAudio.Runtime.Tests.Evaluation;

/// <summary>Expected calibration error on predictions whose answer is worked out by hand.</summary>
public class CalibrationTests
{
    [Fact]
    public void Ece_is_the_weighted_gap_between_confidence_and_accuracy_per_bin()
    {
        // Bin [0.8, 0.9): four predictions at 0.85, three right → |0.75 − 0.85| = 0.10, weight 4/6.
        // Bin [0.6, 0.7): two predictions at 0.6 and 0.65, both right → |1 − 0.625| = 0.375, weight 2/6.
        double[] confidence = [0.85, 0.85, 0.85, 0.85, 0.6, 0.65];
        bool[] correct = [true, true, true, false, true, true];
        Calibration c = Calibration.Compute(confidence, correct, bins: 10);
        Assert.Equal(4.0 / 6 * 0.10 + 2.0 / 6 * 0.375, c.ExpectedCalibrationError, 12);
        Assert.Equal(4, c.Bins[8].Count);
        Assert.Equal(0.75, c.Bins[8].Accuracy, 12);
    }

    [Fact]
    public void A_perfectly_calibrated_classifier_scores_zero_and_an_overconfident_one_does_not()
    {
        // Confidence 0.7 and right 7 times in 10.
        double[] confidence = Enumerable.Repeat(0.7, 10).ToArray();
        bool[] correct = Enumerable.Range(0, 10).Select(i => i < 7).ToArray();
        Assert.Equal(0, Calibration.Compute(confidence, correct).ExpectedCalibrationError, 12);
        Assert.Equal(0.29, Calibration.Compute(Enumerable.Repeat(0.99, 10).ToArray(), correct).ExpectedCalibrationError, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => Calibration.Compute([1.5], [true]));
    }
}
