using OnnxAudio.Evaluation;

namespace OnnxAudio.Cli.Reports;

/// <summary>
/// The reference metrics of one processed (or input) file against its reference, beside its DNSMOS P.835 scores, which
/// need no reference: what <c>eval pairs</c> and <c>eval manifest</c> report for every file.
/// </summary>
internal sealed record ScoredAudio(PairMetrics Pair, DnsmosScore Quality)
{
    public static readonly string[] Names = [.. PairMetrics.Names, "dnsmos_sig", "dnsmos_bak", "dnsmos_ovrl"];

    public double[] Values => [.. Pair.Values, Quality.Sig, Quality.Bak, Quality.Ovrl];
}
