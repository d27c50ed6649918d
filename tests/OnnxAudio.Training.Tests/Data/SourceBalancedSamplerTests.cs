using OnnxAudio.Training.Data;

namespace OnnxAudio.Training.Tests.Data;

public class SourceBalancedSamplerTests
{
    // A corpus shaped like the real one: a synthesizer that mostly says keywords, a second one that mostly says other
    // words, and recordings of other words only.
    private static (List<string?> Sources, List<ClassGroup> Groups) Corpus()
    {
        var sources = new List<string?>();
        var groups = new List<ClassGroup>();
        void Add(string source, ClassGroup group, int n)
        {
            sources.AddRange(Enumerable.Repeat<string?>(source, n));
            groups.AddRange(Enumerable.Repeat(group, n));
        }

        Add("espeak", ClassGroup.Keyword, 800);
        Add("espeak", ClassGroup.Other, 150);
        Add("espeak", ClassGroup.Silence, 50);
        Add("festival", ClassGroup.Keyword, 20);
        Add("festival", ClassGroup.Other, 60);
        Add("festival", ClassGroup.Silence, 20);
        Add("tuxpaint", ClassGroup.Other, 100);
        return (sources, groups);
    }

    [Fact]
    public void Every_keyword_speaking_source_gets_the_same_class_mix_and_keeps_its_weighted_share()
    {
        var (sources, groups) = Corpus();
        var sampler = new SourceBalancedSampler(sources, groups, new Dictionary<string, double> { ["festival"] = 3 });

        // Masses: espeak 1000, festival 100 × 3, tuxpaint 100 → 1400.
        Assert.Equal(1000 / 1400.0, sampler.Shares.Where(s => s.Key.Source == "espeak").Sum(s => s.Value), 9);
        Assert.Equal(300 / 1400.0, sampler.Shares.Where(s => s.Key.Source == "festival").Sum(s => s.Value), 9);
        Assert.Equal(100 / 1400.0, sampler.Shares[("tuxpaint", ClassGroup.Other)], 9);
        // The mix over both synthesizers: keywords 820, other 210, silence 70 of 1,100.
        Assert.Equal(820 / 1100.0, sampler.Shares[("festival", ClassGroup.Keyword)] / (300 / 1400.0), 9);
        Assert.Equal(210 / 1100.0, sampler.Shares[("festival", ClassGroup.Other)] / (300 / 1400.0), 9);
        Assert.Equal(820 / 1100.0, sampler.Shares[("espeak", ClassGroup.Keyword)] / (1000 / 1400.0), 9);
    }

    [Fact]
    public void Draws_follow_the_shares_and_repeat_with_the_seed()
    {
        var (sources, groups) = Corpus();
        var sampler = new SourceBalancedSampler(sources, groups, new Dictionary<string, double>());
        var random = new Random(7);
        int[] draws = Enumerable.Range(0, 200_000).Select(_ => sampler.Draw(random)).ToArray();
        foreach (var ((source, group), share) in sampler.Shares)
        {
            double seen = draws.Count(i => sources[i] == source && groups[i] == group) / (double)draws.Length;
            Assert.InRange(seen, share - 0.005, share + 0.005);
        }

        // Items within one cell are equally likely: festival keywords are 20 items.
        int[] festivalKeywords = draws.Where(i => sources[i] == "festival" && groups[i] == ClassGroup.Keyword).ToArray();
        var perItem = festivalKeywords.GroupBy(i => i).Select(g => g.Count()).ToArray();
        Assert.Equal(20, perItem.Length);
        Assert.InRange(perItem.Min() / (double)perItem.Max(), 0.75, 1.0);

        var again = new Random(7);
        Assert.Equal(draws.Take(100), Enumerable.Range(0, 100).Select(_ => sampler.Draw(again)));
    }
}
