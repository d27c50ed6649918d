using System.Runtime.InteropServices;

namespace OnnxAudio.Benchmarks;

/// <summary>FFTW 3 single precision (Debian's libfftw3-single3), loaded at run time so the benchmark runs without it.</summary>
internal static unsafe partial class Fftw
{
    public const string Library = "libfftw3f.so.3";
    public const uint Measure = 0;

    public static bool IsAvailable { get; } = NativeLibrary.TryLoad(Library, out _);

    [LibraryImport(Library, EntryPoint = "fftwf_plan_dft_r2c_1d")]
    public static partial nint PlanR2C(int n, float* input, float* output, uint flags);

    [LibraryImport(Library, EntryPoint = "fftwf_execute")]
    public static partial void Execute(nint plan);

    [LibraryImport(Library, EntryPoint = "fftwf_execute_dft_r2c")]
    public static partial void ExecuteR2C(nint plan, float* input, float* output);

    [LibraryImport(Library, EntryPoint = "fftwf_destroy_plan")]
    public static partial void DestroyPlan(nint plan);

    [LibraryImport(Library, EntryPoint = "fftwf_malloc")]
    public static partial void* Malloc(nint bytes);

    [LibraryImport(Library, EntryPoint = "fftwf_free")]
    public static partial void Free(void* pointer);
}
