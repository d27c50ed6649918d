namespace OnnxAudio.Tests.TestSupport;

/// <summary>A fact about Linux-only behaviour (ELF files, signals); skipped, with the reason shown, elsewhere.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LinuxOnlyFactAttribute : FactAttribute
{
    public LinuxOnlyFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
            Skip = "Linux only";
    }
}
