namespace OnnxAudio.Evaluation;

/// <summary>
/// How far a classifier's confidence is from its accuracy. Expected calibration error (Naeini et al. 2015; Guo et al.
/// 2017): predictions are grouped by their top score into equal-width bins over [0, 1]; ECE is the mean over all
/// predictions of |accuracy − mean confidence| of their bin. 0 means a score of 0.8 is right 80 % of the time.
/// </summary>
public sealed class Calibration
{
    private Calibration(double ece, IReadOnlyList<(double Low, double High, int Count, double Confidence, double Accuracy)> bins)
    {
        ExpectedCalibrationError = ece;
        Bins = bins;
    }

    public double ExpectedCalibrationError { get; }

    /// <summary>Each bin's score range, how many predictions fell in it, their mean confidence and their accuracy.</summary>
    public IReadOnlyList<(double Low, double High, int Count, double Confidence, double Accuracy)> Bins { get; }

    public static Calibration Compute(IReadOnlyList<double> confidence, IReadOnlyList<bool> correct, int bins = 15)
    {
        if (confidence.Count != correct.Count || confidence.Count == 0)
            throw new ArgumentException("Give one confidence per prediction, and at least one.");
        if (bins < 1)
            throw new ArgumentOutOfRangeException(nameof(bins));
        var count = new int[bins];
        var sumConfidence = new double[bins];
        var sumCorrect = new double[bins];
        for (int i = 0; i < confidence.Count; i++)
        {
            double c = confidence[i];
            if (!double.IsFinite(c) || c < 0 || c > 1)
                throw new ArgumentOutOfRangeException(nameof(confidence), c, "Confidences are probabilities in [0, 1].");
            int b = Math.Min(bins - 1, (int)(c * bins));
            count[b]++;
            sumConfidence[b] += c;
            sumCorrect[b] += correct[i] ? 1 : 0;
        }

        double ece = 0;
        var table = new List<(double, double, int, double, double)>();
        for (int b = 0; b < bins; b++)
        {
            double meanConfidence = count[b] == 0 ? 0 : sumConfidence[b] / count[b], accuracy = count[b] == 0 ? 0 : sumCorrect[b] / count[b];
            ece += count[b] / (double)confidence.Count * Math.Abs(accuracy - meanConfidence);
            table.Add((b / (double)bins, (b + 1) / (double)bins, count[b], meanConfidence, accuracy));
        }

        return new Calibration(ece, table);
    }
}
