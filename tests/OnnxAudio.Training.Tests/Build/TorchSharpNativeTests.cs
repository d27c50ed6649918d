using OnnxAudio.Tests.TestSupport;
using OnnxAudio.Build;

namespace OnnxAudio.Training.Tests.Build;

/// <summary>
/// The build step that lets TorchSharp load on hosts whose libstdc++ predates GCC 13 (build/TorchSharpNative.targets):
/// checked on the real library from the package cache and on the patched copy in this test's output.
/// </summary>
public class TorchSharpNativeTests
{
    private const string Marker = "_ZSt21ios_base_library_initv";

    private static string PackageCopy()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    private static string OutputCopy() =>
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static ElfImage Load(string path) => new(File.ReadAllBytes(path), path);

    private static HashSet<string>? WithoutGlibcxx3432(string soname) =>
        soname == "libstdc++.so.6"
            ? Enumerable.Range(0, 31).Select(i => $"GLIBCXX_3.4.{i}").Append("GLIBCXX_3.4").Concat(Enumerable.Range(1, 13).Select(i => $"CXXABI_1.3.{i}")).Append("CXXABI_1.3").ToHashSet()
            : VersionNeedPatcher.HostVersions(soname) ?? [];

    [LinuxOnlyFact]
    public void Only_the_marker_symbol_is_bound_to_GLIBCXX_3_4_32_and_nothing_relocates_it()
    {
        ElfImage lib = Load(PackageCopy());
        ElfVersionNeed need = Assert.Single(lib.VersionNeeds(), n => n.Version == "GLIBCXX_3.4.32");
        Assert.Equal("libstdc++.so.6", need.File);
        ElfDynamicSymbol symbol = Assert.Single(lib.DynamicSymbols(), s => s.VersionIndex == need.Index);
        Assert.Equal(Marker, symbol.Name);
        Assert.False(symbol.IsDefined);
        Assert.False(symbol.IsRelocated);
        // A symbol that is really called is seen as relocated (sanity check of the relocation scan).
        Assert.Contains(lib.DynamicSymbols(), s => s.Name.StartsWith("_Znwm", StringComparison.Ordinal) && s.IsRelocated);
    }

    [LinuxOnlyFact]
    public void On_a_host_without_the_version_the_plan_weakens_exactly_that_need()
    {
        ElfImage lib = Load(PackageCopy());
        VersionNeedPlan plan = VersionNeedPatcher.Plan(lib, WithoutGlibcxx3432, [Marker]);
        Assert.Empty(plan.Errors);
        ElfVersionNeed need = Assert.Single(plan.ToWeaken);
        Assert.Equal("GLIBCXX_3.4.32", need.Version);
    }

    [LinuxOnlyFact]
    public void Refuses_when_a_real_function_needs_the_missing_version()
    {
        // Rebind a real, relocated import (operator new) to GLIBCXX_3.4.32 in a copy: weakening would now hide it.
        byte[] bytes = File.ReadAllBytes(PackageCopy());
        ElfImage original = new(bytes, "copy");
        ElfVersionNeed need = original.VersionNeeds().Single(n => n.Version == "GLIBCXX_3.4.32");
        ElfDynamicSymbol victim = original.DynamicSymbols().First(s => s.Name == "_Znwm");
        long versym = FindVersymOffset(bytes) + 2L * victim.Index;
        bytes[versym] = (byte)need.Index;
        bytes[versym + 1] = (byte)(need.Index >> 8);

        VersionNeedPlan plan = VersionNeedPatcher.Plan(new ElfImage(bytes, "copy"), WithoutGlibcxx3432, [Marker]);
        Assert.Empty(plan.ToWeaken);
        string error = Assert.Single(plan.Errors);
        Assert.Contains("_Znwm", error);
        Assert.Contains("GLIBCXX_3.4.32", error);
    }

    [LinuxOnlyFact]
    public void Output_copy_is_patched_exactly_when_the_host_lacks_the_version_and_the_cache_never_is()
    {
        bool hostHasIt = VersionNeedPatcher.HostVersions("libstdc++.so.6")?.Contains("GLIBCXX_3.4.32") ?? true;
        ElfVersionNeed output = Load(OutputCopy()).VersionNeeds().Single(n => n.Version == "GLIBCXX_3.4.32");
        ElfVersionNeed cache = Load(PackageCopy()).VersionNeeds().Single(n => n.Version == "GLIBCXX_3.4.32");
        Assert.False(cache.IsWeak);
        Assert.Equal(!hostHasIt, output.IsWeak);

        // Apart from that one flag the output copy is byte-identical to the package's.
        byte[] a = File.ReadAllBytes(OutputCopy()), b = File.ReadAllBytes(PackageCopy());
        Assert.Equal(a.Length, b.Length);
        int[] differing = Enumerable.Range(0, a.Length).Where(i => a[i] != b[i]).ToArray();
        Assert.True(differing.All(i => i == output.FlagsOffset || i == output.FlagsOffset + 1), $"{differing.Length} bytes differ");
    }

    [LinuxOnlyFact]
    public void Patching_twice_changes_nothing_more()
    {
        byte[] bytes = File.ReadAllBytes(PackageCopy());
        VersionNeedPatcher.Apply(bytes, VersionNeedPatcher.Plan(new ElfImage(bytes, "x"), WithoutGlibcxx3432, [Marker]));
        byte[] once = (byte[])bytes.Clone();
        VersionNeedPlan second = VersionNeedPatcher.Plan(new ElfImage(bytes, "x"), WithoutGlibcxx3432, [Marker]);
        Assert.Empty(second.ToWeaken);
        Assert.Contains("GLIBCXX_3.4.32", second.AlreadyWeak);
        VersionNeedPatcher.Apply(bytes, second);
        Assert.Equal(once, bytes);
    }

    [Fact]
    public void Garbage_is_reported_not_crashed_on()
    {
        Assert.Throws<InvalidDataException>(() => new ElfImage("not an elf at all, just text"u8.ToArray(), "x"));
        byte[] truncated = File.Exists(PackageCopy()) ? File.ReadAllBytes(PackageCopy())[..4096] : new byte[64];
        Assert.Throws<InvalidDataException>(() => new ElfImage(truncated, "x").VersionNeeds());
    }

    /// <summary>Finds .gnu.version (SHT_GNU_versym) with a reading independent of ElfImage.</summary>
    private static long FindVersymOffset(byte[] b)
    {
        long shoff = BitConverter.ToInt64(b, 0x28);
        int size = BitConverter.ToUInt16(b, 0x3A), count = BitConverter.ToUInt16(b, 0x3C);
        for (int i = 0; i < count; i++)
        {
            long h = shoff + (long)i * size;
            if (BitConverter.ToUInt32(b, (int)h + 4) == 0x6fffffff)
                return BitConverter.ToInt64(b, (int)h + 0x18);
        }

        throw new InvalidOperationException("no .gnu.version section");
    }
}
