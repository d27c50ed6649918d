using System.Globalization;

namespace OnnxAudio.Training.Loop;

/// <summary>
/// The run's loss and metric history as CSV (train-log.csv: step, loss, learning rate, seconds; eval-log.csv: step and
/// one column per metric) and as a PNG of the curves (ScottPlot). A resumed run keeps the rows before its step.
/// </summary>
public sealed class TrainingLog
{
    private readonly string _trainPath;
    private readonly string _evalPath;
    private readonly List<(int Step, double Loss, double LearningRate, double Seconds)> _train = new();
    private readonly List<(int Step, Dictionary<string, double> Metrics)> _eval = new();

    public TrainingLog(string folder, int resumeFromStep)
    {
        Directory.CreateDirectory(folder);
        Folder = folder;
        _trainPath = Path.Combine(folder, "train-log.csv");
        _evalPath = Path.Combine(folder, "eval-log.csv");
        if (resumeFromStep > 0)
            Reload(resumeFromStep);
    }

    public string Folder { get; }

    public IReadOnlyList<(int Step, double Loss, double LearningRate, double Seconds)> Train => _train;

    public IReadOnlyList<(int Step, Dictionary<string, double> Metrics)> Evaluations => _eval;

    public void AddTrain(int step, double loss, double learningRate, double seconds) => _train.Add((step, loss, learningRate, seconds));

    public void AddEvaluation(int step, IReadOnlyDictionary<string, double> metrics) => _eval.Add((step, new Dictionary<string, double>(metrics)));

    /// <summary>Rewrites both CSV files and the plot.</summary>
    public void Flush()
    {
        var inv = CultureInfo.InvariantCulture;
        WriteAtomically(_trainPath, new[] { "step,loss,learning_rate,seconds" }.Concat(
            _train.Select(r => string.Create(inv, $"{r.Step},{r.Loss:R},{r.LearningRate:R},{r.Seconds:0.###}"))));
        string[] names = _eval.SelectMany(e => e.Metrics.Keys).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToArray();
        WriteAtomically(_evalPath, new[] { "step," + string.Join(",", names) }.Concat(
            _eval.Select(e => e.Step.ToString(inv) + "," + string.Join(",", names.Select(n => e.Metrics.TryGetValue(n, out double v) ? v.ToString("R", inv) : "")))));
        if (_train.Count > 1)
            Plot(Path.Combine(Folder, "training.png"));
    }

    private void Plot(string path)
    {
        var plot = new ScottPlot.Plot();
        double[] steps = _train.Select(r => (double)r.Step).ToArray();
        double[] loss = _train.Select(r => r.Loss).ToArray();
        var raw = plot.Add.Scatter(steps, loss);
        raw.LegendText = "training loss";
        raw.MarkerSize = 0;
        raw.LineWidth = 1;
        // An exponential moving average shows the trend under the batch-to-batch noise.
        double[] smooth = new double[loss.Length];
        for (int i = 0; i < loss.Length; i++)
            smooth[i] = i == 0 ? loss[0] : 0.95 * smooth[i - 1] + 0.05 * loss[i];
        var trend = plot.Add.Scatter(steps, smooth);
        trend.LegendText = "smoothed";
        trend.MarkerSize = 0;
        trend.LineWidth = 2;
        plot.Axes.Bottom.Label.Text = "step";
        plot.Axes.Left.Label.Text = "loss";
        plot.Title("Training loss");
        plot.ShowLegend();
        string temp = path + ".tmp.png";
        plot.SavePng(temp, 900, 450);
        File.Move(temp, path, overwrite: true);
    }

    private void Reload(int beforeStep) // keeps rows up to and including the checkpoint's step
    {
        if (File.Exists(_trainPath))
        {
            foreach (string line in File.ReadLines(_trainPath).Skip(1))
            {
                string[] f = line.Split(',');
                if (f.Length == 4 && int.TryParse(f[0], CultureInfo.InvariantCulture, out int step) && step <= beforeStep)
                    _train.Add((step, double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture), double.Parse(f[3], CultureInfo.InvariantCulture)));
            }
        }

        if (File.Exists(_evalPath))
        {
            string[] lines = File.ReadAllLines(_evalPath);
            if (lines.Length == 0)
                return;
            string[] names = lines[0].Split(',').Skip(1).ToArray();
            foreach (string line in lines.Skip(1))
            {
                string[] f = line.Split(',');
                if (!int.TryParse(f[0], CultureInfo.InvariantCulture, out int step) || step > beforeStep)
                    continue;
                var metrics = new Dictionary<string, double>();
                for (int i = 0; i < names.Length && i + 1 < f.Length; i++)
                    if (double.TryParse(f[i + 1], CultureInfo.InvariantCulture, out double v))
                        metrics[names[i]] = v;
                _eval.Add((step, metrics));
            }
        }
    }

    private static void WriteAtomically(string path, IEnumerable<string> lines)
    {
        string temp = path + ".tmp";
        File.WriteAllLines(temp, lines);
        File.Move(temp, path, overwrite: true);
    }
}
