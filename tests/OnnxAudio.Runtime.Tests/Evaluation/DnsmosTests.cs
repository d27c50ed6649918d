using System.Diagnostics;
using System.Security.Cryptography;
using OnnxAudio.Evaluation;
using OnnxAudio.Tests.TestSupport;

namespace OnnxAudio.Runtime.Tests.Evaluation;

/// <summary>
/// DNSMOS P.835 against the reference values of an independent implementation (shared/models/dnsmos/README.md), on
/// the files its commands make. pink.wav and sine.wav are deterministic (sox -R, same bytes as the reference's sha256):
/// they must agree within 0.01. speech.wav's command resamples without -R, so sox dithers it at random and its bytes
/// differ on every run (the reference's sha256 cannot be remade); DNSMOS's BAK reacts to that dither floor, so where the
/// bytes differ the speech scores are held to the spread measured over redithered copies (±0.1).
/// </summary>
public class DnsmosTests
{
    [RequiresToolFact("sox", "espeak-ng")]
    public void Scores_match_the_reference_implementation()
    {
        using var folder = new TempFolder();
        Run("sox", $"-R -n -r 16000 -c 1 -b 16 {folder.File("pink.wav")} synth 10 pinknoise vol 0.3");
        Run("sox", $"-R -n -r 16000 -c 1 -b 16 {folder.File("sine.wav")} synth 10 sine 440 vol 0.5");
        Run("espeak-ng", $"-v en+f3 -w {folder.File("sp22.wav")}", "The quick brown fox jumps over the lazy dog, and then it runs far away into the quiet forest.");
        Run("sox", $"{folder.File("sp22.wav")} -r 16000 -b 16 {folder.File("speech.wav")}");
        Assert.Equal("7a291a51a436b7684bfd83c39daf74e39debe87487f0f58defb4062cc7d3136c", Sha256(folder.File("pink.wav")));
        Assert.Equal("b6b83d428564a6e60d67455249f67de261118d7eeba234b2466e4f05dd23b687", Sha256(folder.File("sine.wav")));

        using Dnsmos dnsmos = Dnsmos.Load(ShippedFiles.Path("dnsmos.onnx"));
        AssertScore(dnsmos.Score(folder.File("pink.wav")), 1.160, 1.114, 1.081, 0.01);
        AssertScore(dnsmos.Score(folder.File("sine.wav")), 1.849, 2.256, 1.508, 0.01);
        bool sameBytes = Sha256(folder.File("speech.wav")) == "853af78b44019c361a53059722e19d36a68cf61ed6905750c67106ba16abc94d";
        AssertScore(dnsmos.Score(folder.File("speech.wav")), 2.653, 3.291, 2.174, sameBytes ? 0.01 : 0.1);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void A_short_clip_is_doubled_until_it_fills_a_window_and_windows_start_every_second()
    {
        using Dnsmos dnsmos = Dnsmos.Load(ShippedFiles.Path("dnsmos.onnx"));
        float[] tone = Signals.Sine(440, 16000, 16000 * 3, 0.3f);
        // 3 s → 6 → 12 s, then floor(12 − 9.01) + 1 = 3 windows.
        Assert.Equal(3, dnsmos.Score(tone).Windows);
        // 12.5 s: floor(12.5 − 9.01) + 1 = 4 windows, starting at 0, 1, 2 and 3 s.
        Assert.Equal(4, dnsmos.Score(Signals.Sine(440, 16000, 200_000, 0.3f)).Windows);
        // The doubled clip is the same audio as the clip repeated four times.
        float[] repeated = [.. tone, .. tone, .. tone, .. tone];
        DnsmosScore a = dnsmos.Score(tone), b = dnsmos.Score(repeated);
        Assert.Equal(a.Sig, b.Sig, 6);
        Assert.Equal(a.Ovrl, b.Ovrl, 6);
    }

    [Fact]
    public void A_model_that_is_not_dnsmos_is_refused_by_name()
    {
        var e = Assert.Throws<OnnxAudioException>(() => Dnsmos.Load(ShippedFiles.Path("kws.onnx")));
        Assert.Contains("kws.onnx", e.Message);
        Assert.Contains("DNSMOS", e.Message);
    }

    private static void AssertScore(DnsmosScore s, double sig, double bak, double ovrl, double tolerance)
    {
        Assert.InRange(s.Sig, sig - tolerance, sig + tolerance);
        Assert.InRange(s.Bak, bak - tolerance, bak + tolerance);
        Assert.InRange(s.Ovrl, ovrl - tolerance, ovrl + tolerance);
    }

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();

    private static void Run(string program, string arguments, string? lastArgument = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            start.ArgumentList.Add(a);
        if (lastArgument is not null)
            start.ArgumentList.Add(lastArgument);
        using var p = Process.Start(start)!;
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{program} failed: {error}");
    }
}
