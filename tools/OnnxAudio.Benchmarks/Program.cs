using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using OnnxAudio.Benchmarks;

// In-process, so the benchmarked code is exactly this build (and the TorchSharp library patched by the build).
// Usage: dotnet run -c Release --project tools/OnnxAudio.Benchmarks -- --filter '*Stft*'
if (args.Length > 0 && args[0] == "profile")
{
    StftProfile.Run();
    return;
}

IConfig config = DefaultConfig.Instance
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
if (!Fftw.IsAvailable)
{
    Console.WriteLine($"FFTW: {Fftw.Library} not found (apt-get install libfftw3-single3); its benchmark is skipped.");
    config = config.AddFilter(new SimpleFilter(b => !b.Descriptor.WorkloadMethod.Name.Contains("Fftw", StringComparison.Ordinal)));
}

BenchmarkSwitcher.FromAssembly(typeof(StftBenchmarks).Assembly).Run(args, config);
