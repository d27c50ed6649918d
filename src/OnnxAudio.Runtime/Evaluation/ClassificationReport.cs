namespace OnnxAudio.Evaluation;

/// <summary>Per-class figures of a <see cref="ClassificationReport"/>.</summary>
public sealed record ClassMetrics(string Label, int Support, double Precision, double Recall, double F1);

/// <summary>Accuracy, per-class precision/recall/F1 and the confusion matrix of a classifier's predictions.</summary>
public sealed class ClassificationReport
{
    private ClassificationReport(IReadOnlyList<string> labels, int[,] confusion)
    {
        Labels = labels;
        Confusion = confusion;
        int n = labels.Count, total = 0, correct = 0;
        var classes = new List<ClassMetrics>();
        for (int c = 0; c < n; c++)
        {
            int truePositive = confusion[c, c], actual = 0, predicted = 0;
            for (int k = 0; k < n; k++)
            {
                actual += confusion[c, k];
                predicted += confusion[k, c];
            }

            total += actual;
            correct += truePositive;
            double precision = predicted == 0 ? 0 : truePositive / (double)predicted;
            double recall = actual == 0 ? 0 : truePositive / (double)actual;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            classes.Add(new ClassMetrics(labels[c], actual, precision, recall, f1));
        }

        Classes = classes;
        Total = total;
        Accuracy = total == 0 ? 0 : correct / (double)total;
    }

    public IReadOnlyList<string> Labels { get; }

    /// <summary>Confusion[true class, predicted class] = count.</summary>
    public int[,] Confusion { get; }

    public IReadOnlyList<ClassMetrics> Classes { get; }

    public int Total { get; }

    public double Accuracy { get; }

    public double MacroF1 => Classes.Where(c => c.Support > 0).Select(c => c.F1).DefaultIfEmpty(0).Average();

    public static ClassificationReport Compute(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, IReadOnlyList<string> labels)
    {
        if (truth.Count != predicted.Count)
            throw new ArgumentException($"{truth.Count} true labels but {predicted.Count} predictions.");
        var confusion = new int[labels.Count, labels.Count];
        for (int i = 0; i < truth.Count; i++)
        {
            if ((uint)truth[i] >= labels.Count || (uint)predicted[i] >= labels.Count)
                throw new ArgumentException($"Label index out of range at item {i}.");
            confusion[truth[i], predicted[i]]++;
        }

        return new ClassificationReport(labels, confusion);
    }
}
