using System.Globalization;
using OnnxAudio.Audio;
using OnnxAudio.Cli.Scoring;
using OnnxAudio.Evaluation;

namespace OnnxAudio.Cli.Reports;

/// <summary>The one place <c>eval</c> reports are printed, written as JSON and plotted.</summary>
internal static class EvalReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Pair metrics: means (and the change from the input), breakdowns by input SNR and noise type, JSON, plots.</summary>
    public static void Write(TextWriter o, PairReport report, PairSettings settings)
    {
        var scored = report.Scored;
        o.WriteLine($"{scored.Count} pairs scored" + (report.Failed.Count > 0 ? $", {report.Failed.Count} skipped" : "") +
                    (settings.Align ? string.Create(Inv, $", mean delay {scored.Average(r => r.Delay):0.0} samples") : ""));
        double[] mean = report.Mean;
        double[]? inputMean = report.InputMean;
        o.WriteLine(inputMean is null ? $"{"metric",-14} {"mean",10}" : $"{"metric",-14} {"processed",10} {"input",10} {"change",10}");
        for (int m = 0; m < ScoredAudio.Names.Length; m++)
        {
            o.WriteLine(inputMean is null
                ? string.Create(Inv, $"{ScoredAudio.Names[m],-14} {mean[m],10:0.000}")
                : string.Create(Inv, $"{ScoredAudio.Names[m],-14} {mean[m],10:0.000} {inputMean[m],10:0.000} {mean[m] - inputMean[m],10:+0.000;-0.000}"));
        }

        // Per input SNR and per noise type (corpus pairs): the views the restoration bars and their weak spots are stated in.
        WriteBreakdown(o, "snr_db", report.BySnr);
        WriteBreakdown(o, "noise", report.ByNoise);
        if (settings.Json is string path)
            JsonReport.Write(path, w =>
            {
                w.WriteNumber("pairs", scored.Count);
                foreach (var (name, key, groups) in new[] { ("by_snr", "snr_db", report.BySnr), ("by_noise", "noise", report.ByNoise) })
                {
                    if (groups.Count < 2)
                        continue;
                    w.WriteStartArray(name);
                    foreach (Breakdown g in groups)
                    {
                        w.WriteStartObject();
                        if (key == "snr_db")
                            w.WriteNumber(key, double.Parse(g.Key, Inv));
                        else
                            w.WriteString(key, g.Key);
                        w.WriteNumber("pairs", g.Count);
                        for (int m = 0; m < ScoredAudio.Names.Length; m++)
                        {
                            w.WriteNumber(ScoredAudio.Names[m], g.Estimate[m]);
                            w.WriteNumber($"{ScoredAudio.Names[m]}_input", g.Input[m]);
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }

                WriteMetrics(w, "mean", mean);
                if (inputMean is not null)
                    WriteMetrics(w, "input_mean", inputMean);
                w.WriteStartArray("files");
                foreach (ScoredPair r in scored)
                {
                    w.WriteStartObject();
                    w.WriteString("file", r.Job.Name);
                    w.WriteNumber("delay_samples", r.Delay);
                    for (int m = 0; m < ScoredAudio.Names.Length; m++)
                        w.WriteNumber(ScoredAudio.Names[m], r.Estimate.Values[m]);
                    if (r.Input is not null)
                        for (int m = 0; m < ScoredAudio.Names.Length; m++)
                            w.WriteNumber($"{ScoredAudio.Names[m]}_input", r.Input.Values[m]);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
        if (settings.Plots is string plots)
            WritePlots(o, plots, scored, settings);
    }

    /// <summary>Classification: accuracy, macro F1, calibration, per-class table, JSON with the confusion matrix, its plot.</summary>
    public static void Write(TextWriter o, ClassificationRun run, string? json, string? plots)
    {
        ClassificationReport report = run.Report;
        Calibration? calibration = run.Calibration;
        string[] labels = run.Labels;
        o.WriteLine(string.Create(Inv, $"{report.Total} files, accuracy {100 * report.Accuracy:0.00}%, macro F1 {report.MacroF1:0.000}") +
                    (calibration is null ? "" : string.Create(Inv, $", expected calibration error {calibration.ExpectedCalibrationError:0.000} (mean score {run.Scores.Average():0.000})")));
        o.WriteLine($"{"class",-14} {"support",8} {"precision",10} {"recall",8} {"F1",8}");
        foreach (ClassMetrics c in report.Classes)
            o.WriteLine(string.Create(Inv, $"{c.Label,-14} {c.Support,8} {c.Precision,10:0.000} {c.Recall,8:0.000} {c.F1,8:0.000}"));
        if (json is string path)
            JsonReport.Write(path, w =>
            {
                w.WriteNumber("files", report.Total);
                w.WriteNumber("accuracy", report.Accuracy);
                w.WriteNumber("macro_f1", report.MacroF1);
                if (calibration is not null)
                {
                    w.WriteNumber("ece", calibration.ExpectedCalibrationError);
                    w.WriteNumber("mean_score", run.Scores.Average());
                }

                w.WriteStartArray("labels");
                foreach (string l in labels)
                    w.WriteStringValue(l);
                w.WriteEndArray();
                w.WriteStartArray("confusion");
                for (int i = 0; i < labels.Length; i++)
                {
                    w.WriteStartArray();
                    for (int j = 0; j < labels.Length; j++)
                        w.WriteNumberValue(report.Confusion[i, j]);
                    w.WriteEndArray();
                }

                w.WriteEndArray();
            });
        if (plots is string folder)
        {
            if (!EvalPlots.Available)
                throw new OnnxAudioException(EvalPlots.Unavailable);
            Directory.CreateDirectory(folder);
            string png = Path.Combine(folder, "confusion-matrix.png");
            EvalPlots.ConfusionMatrix(png, labels, report.Confusion);
            o.WriteLine($"plot: {png}");
        }
    }

    private static void WriteMetrics(System.Text.Json.Utf8JsonWriter w, string name, double[] values)
    {
        w.WriteStartObject(name);
        for (int m = 0; m < ScoredAudio.Names.Length; m++)
            w.WriteNumber(ScoredAudio.Names[m], values[m]);
        w.WriteEndObject();
    }

    private static void WriteBreakdown(TextWriter o, string name, IReadOnlyList<Breakdown> groups)
    {
        if (groups.Count < 2 || groups.Count > 24)
            return;
        int si = Array.IndexOf(ScoredAudio.Names, "si_sdr"), stoi = Array.IndexOf(ScoredAudio.Names, "stoi");
        int width = Math.Max(8, groups.Max(g => g.Key.Length));
        o.WriteLine($"{name.PadLeft(width)} {"pairs",6} {"si_sdr_in",10} {"si_sdr",10} {"si_sdr_i",10} {"stoi_in",8} {"stoi",8}");
        foreach (Breakdown g in groups)
            o.WriteLine(string.Create(Inv,
                $"{g.Key.PadLeft(width)} {g.Count,6} {g.Input[si],10:0.00} {g.Estimate[si],10:0.00} {g.Estimate[si] - g.Input[si],10:+0.00;-0.00} {g.Input[stoi],8:0.000} {g.Estimate[stoi],8:0.000}"));
    }

    private static void WritePlots(TextWriter o, string folder, IReadOnlyList<ScoredPair> scored, PairSettings settings)
    {
        if (!EvalPlots.Available)
            throw new OnnxAudioException(EvalPlots.Unavailable);
        Directory.CreateDirectory(folder);
        foreach (ScoredPair pair in scored.Take(3))
        {
            PairJob job = pair.Job;
            float[] reference = AudioFile.ReadMono(job.Reference, settings.Rate);
            var panels = new List<(string, float[])> { ("reference", reference) };
            if (job.Input is not null)
                panels.Add(("input", PairScoring.Load(reference, job.Input, settings).Aligned.Estimate));
            panels.Add(("processed", PairScoring.Load(reference, job.Estimate, settings).Aligned.Estimate));
            string name = string.Concat(Path.ChangeExtension(job.Name, null).Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '_'));
            foreach (string written in EvalPlots.Spectrograms(Path.Combine(folder, name), panels, settings.Rate))
                o.WriteLine($"plot: {written}");
        }

        if (scored.All(s => s.Job.Snr is not null && s.Input is not null))
        {
            int stoi = Array.IndexOf(ScoredAudio.Names, "stoi"), siSdr = Array.IndexOf(ScoredAudio.Names, "si_sdr");
            foreach (var (metric, index, file) in new[] { ("STOI", stoi, "stoi-by-snr.png"), ("SI-SDR (dB)", siSdr, "si-sdr-by-snr.png") })
            {
                string path = Path.Combine(folder, file);
                EvalPlots.MetricBySnr(path, metric, scored.Select(s => (s.Job.Snr!.Value, s.Estimate.Values[index], s.Input!.Values[index])).ToList());
                o.WriteLine($"plot: {path}");
            }
        }
    }
}
