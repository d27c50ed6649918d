using OnnxAudio.Audio;
using OnnxAudio.Dsp;

namespace OnnxAudio.Cli.Reports;

/// <summary>
/// PNG figures for <c>onnxaudio eval --plots</c>: spectrograms of reference, input and processed audio one above the
/// other, metric-against-SNR curves, and confusion matrices. Built only without NativeAOT (see the project file).
/// </summary>
internal static class EvalPlots
{
    // A property, not a const: with a const false the NativeAOT build would flag the plotting branches as unreachable.
#if ONNXAUDIO_PLOTS
    public static bool Available => true;
#else
    public static bool Available => false;
#endif

    public const string Unavailable =
        "PNG plots are not part of the NativeAOT binary; run the JIT build (dotnet run --project src/OnnxAudio.Cli -- eval …) for --plots";

    /// <summary>Log-power spectrograms (dB) of the given signals, one PNG each: <paramref name="basePath"/>-TITLE.png.</summary>
    public static IReadOnlyList<string> Spectrograms(string basePath, IReadOnlyList<(string Title, float[] Samples)> panels, int sampleRate)
    {
#if ONNXAUDIO_PLOTS
        var stft = new Stft(new StftOptions { NFft = 512, HopLength = 128 });
        var written = new List<string>();
        foreach (var (title, x) in panels)
        {
            int frames = stft.FrameCount(x.Length), bins = stft.Bins;
            float[] power = new float[frames * bins];
            stft.Power(x, power);
            var image = new double[bins, frames];
            for (int t = 0; t < frames; t++)
                for (int k = 0; k < bins; k++)
                    image[bins - 1 - k, t] = 10 * Math.Log10(Math.Max(power[t * bins + k], 1e-10));
            var plot = new ScottPlot.Plot();
            var heatmap = plot.Add.Heatmap(image);
            heatmap.Extent = new ScottPlot.CoordinateRect(0, x.Length / (double)sampleRate, 0, sampleRate / 2.0);
            heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
            plot.Add.ColorBar(heatmap).Label = "dB";
            plot.Title(title);
            plot.Axes.Left.Label.Text = "Hz";
            plot.Axes.Bottom.Label.Text = "s";
            string path = $"{basePath}-{title}.png";
            plot.SavePng(path, 1000, 360);
            written.Add(path);
        }

        return written;
#else
        throw new OnnxAudioException(Unavailable);
#endif
    }

    /// <summary>Mean metric per input-SNR bucket (5 dB) for the processed audio and the input.</summary>
    public static void MetricBySnr(string path, string metric, IReadOnlyList<(double Snr, double Processed, double Input)> points)
    {
#if ONNXAUDIO_PLOTS
        var plot = new ScottPlot.Plot();
        var buckets = points.GroupBy(p => Math.Round(p.Snr / 5) * 5).OrderBy(g => g.Key).ToList();
        double[] xs = buckets.Select(g => g.Key).ToArray();
        var processed = plot.Add.Scatter(xs, buckets.Select(g => g.Average(p => p.Processed)).ToArray());
        processed.LegendText = "processed";
        var input = plot.Add.Scatter(xs, buckets.Select(g => g.Average(p => p.Input)).ToArray());
        input.LegendText = "input";
        plot.Axes.Bottom.Label.Text = "input SNR (dB)";
        plot.Axes.Left.Label.Text = metric;
        plot.Title($"{metric} against input SNR");
        plot.ShowLegend();
        plot.SavePng(path, 900, 450);
#else
        throw new OnnxAudioException(Unavailable);
#endif
    }

    /// <summary>The confusion matrix as a heatmap with the counts written in the cells.</summary>
    public static void ConfusionMatrix(string path, IReadOnlyList<string> labels, int[,] confusion)
    {
#if ONNXAUDIO_PLOTS
        int n = labels.Count;
        var plot = new ScottPlot.Plot();
        var cells = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            double total = Enumerable.Range(0, n).Sum(j => confusion[i, j]);
            for (int j = 0; j < n; j++)
                cells[i, j] = total == 0 ? 0 : confusion[i, j] / total; // row-normalised: recall on the diagonal
        }

        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (confusion[i, j] > 0)
                    plot.Add.Text(confusion[i, j].ToString(System.Globalization.CultureInfo.InvariantCulture), j, n - 1 - i);
        double[] ticks = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(ticks, labels.ToArray());
        plot.Axes.Left.SetTicks(ticks, labels.Reverse().ToArray());
        plot.Axes.Bottom.Label.Text = "predicted";
        plot.Axes.Left.Label.Text = "true";
        plot.Title("Confusion matrix");
        int size = Math.Max(520, 200 + 48 * n);
        plot.SavePng(path, size, size);
#else
        throw new OnnxAudioException(Unavailable);
#endif
    }
}
