// Marks an ELF shared library's version needs weak when the host cannot satisfy them and nothing really uses them.
//
// Why: TorchSharp 0.107.0's libLibTorchSharp.so was linked with GCC 13, whose <iostream> emits a reference to
// std::ios_base_library_init() versioned GLIBCXX_3.4.32. Debian 12's libstdc++ stops at GLIBCXX_3.4.30, so the dynamic
// loader refuses the library although that symbol is only a marker: no relocation refers to it. Setting VER_FLG_WEAK
// on that one Vernaux entry (ELF gABI, "Symbol Versioning", .gnu.version_r) makes glibc's loader accept the missing
// version. The patch is applied to the copy in the build output only, never to the NuGet cache.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory (build/TorchSharpNative.targets), and into the
// training tests with ELF_PATCH_NO_MSBUILD, which test the parser and the refusal path on the real library.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace OnnxAudio.Build
{
    /// <summary>One Vernaux entry of .gnu.version_r: a version a library needs from another.</summary>
    public sealed class ElfVersionNeed
    {
        public string File = "";
        public string Version = "";
        public ushort Flags;
        public ushort Index;
        public long FlagsOffset;

        public bool IsWeak => (Flags & ElfImage.VerFlagWeak) != 0;
    }

    /// <summary>A dynamic symbol with its version index and whether any dynamic relocation refers to it.</summary>
    public sealed class ElfDynamicSymbol
    {
        public int Index;
        public string Name = "";
        public bool IsDefined;
        public ushort VersionIndex;
        public bool IsRelocated;
    }

    /// <summary>The parts of a 64-bit little-endian ELF file that symbol versioning involves.</summary>
    public sealed class ElfImage
    {
        public const ushort VerFlagWeak = 0x2;
        private const uint ShtStrtab = 3, ShtRela = 4, ShtDynsym = 11, ShtRel = 9;
        private const uint ShtVerdef = 0x6ffffffd, ShtVerneed = 0x6ffffffe, ShtVersym = 0x6fffffff;

        private readonly byte[] _bytes;
        private readonly string _name;
        private readonly List<Section> _sections = new List<Section>();

        private struct Section
        {
            public uint Type;
            public long Offset;
            public long Size;
            public uint Link;
            public long EntrySize;
        }

        public ElfImage(byte[] bytes, string name)
        {
            _bytes = bytes;
            _name = name;
            if (bytes.Length < 64 || bytes[0] != 0x7F || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
                throw Bad("not an ELF file");
            if (bytes[4] != 2 || bytes[5] != 1)
                throw Bad("only 64-bit little-endian ELF files are handled");
            long shoff = (long)U64(0x28);
            int shentsize = U16(0x3A), shnum = U16(0x3C);
            if (shentsize < 64 || shoff <= 0 || shoff + (long)shnum * shentsize > bytes.Length)
                throw Bad("section header table out of bounds");
            for (int i = 0; i < shnum; i++)
            {
                long h = shoff + (long)i * shentsize;
                var s = new Section
                {
                    Type = U32(h + 4),
                    Offset = (long)U64(h + 0x18),
                    Size = (long)U64(h + 0x20),
                    Link = U32(h + 0x28),
                    EntrySize = (long)U64(h + 0x38),
                };
                if (s.Type != 8 /* NOBITS */ && (s.Offset < 0 || s.Size < 0 || s.Offset + s.Size > bytes.Length))
                    throw Bad($"section {i} out of bounds");
                _sections.Add(s);
            }
        }

        /// <summary>Entries of .gnu.version_r, in file order.</summary>
        public List<ElfVersionNeed> VersionNeeds()
        {
            var result = new List<ElfVersionNeed>();
            foreach (Section s in _sections.Where(x => x.Type == ShtVerneed))
            {
                Section strings = StringTable(s.Link);
                long need = s.Offset;
                for (int guard = 0; guard < 4096; guard++)
                {
                    Check(need, 16, s);
                    int count = U16(need + 2);
                    string file = Str(strings, U32(need + 4));
                    long aux = need + U32(need + 8);
                    for (int a = 0; a < count; a++)
                    {
                        Check(aux, 16, s);
                        result.Add(new ElfVersionNeed
                        {
                            File = file,
                            Flags = U16(aux + 4),
                            Index = U16(aux + 6),
                            Version = Str(strings, U32(aux + 8)),
                            FlagsOffset = aux + 4,
                        });
                        uint nextAux = U32(aux + 12);
                        if (nextAux == 0)
                            break;
                        aux += nextAux;
                    }

                    uint next = U32(need + 12);
                    if (next == 0)
                        break;
                    need += next;
                }
            }

            return result;
        }

        /// <summary>Version names this library defines (.gnu.version_d), such as GLIBCXX_3.4.30 in libstdc++.</summary>
        public HashSet<string> VersionDefinitions()
        {
            var result = new HashSet<string>(StringComparer.Ordinal);
            foreach (Section s in _sections.Where(x => x.Type == ShtVerdef))
            {
                Section strings = StringTable(s.Link);
                long def = s.Offset;
                for (int guard = 0; guard < 65536; guard++)
                {
                    Check(def, 20, s);
                    int count = U16(def + 6);
                    long aux = def + U32(def + 12);
                    for (int a = 0; a < count; a++)
                    {
                        Check(aux, 8, s);
                        result.Add(Str(strings, U32(aux)));
                        uint nextAux = U32(aux + 4);
                        if (nextAux == 0)
                            break;
                        aux += nextAux;
                    }

                    uint next = U32(def + 16);
                    if (next == 0)
                        break;
                    def += next;
                }
            }

            return result;
        }

        /// <summary>The dynamic symbols, each with its version index and whether a dynamic relocation uses it.</summary>
        public List<ElfDynamicSymbol> DynamicSymbols()
        {
            var result = new List<ElfDynamicSymbol>();
            int dynsymIndex = _sections.FindIndex(x => x.Type == ShtDynsym);
            if (dynsymIndex < 0)
                return result;
            Section dynsym = _sections[dynsymIndex];
            Section strings = StringTable(dynsym.Link);
            int count = (int)(dynsym.Size / 24);
            ushort[] versions = new ushort[count];
            foreach (Section s in _sections.Where(x => x.Type == ShtVersym))
            {
                for (int i = 0; i < count && 2L * i + 2 <= s.Size; i++)
                    versions[i] = U16(s.Offset + 2L * i);
            }

            var relocated = new HashSet<int>();
            for (int i = 0; i < _sections.Count; i++)
            {
                Section s = _sections[i];
                if ((s.Type != ShtRela && s.Type != ShtRel) || s.Link != dynsymIndex)
                    continue;
                long entry = s.Type == ShtRela ? 24 : 16;
                for (long r = s.Offset; r + entry <= s.Offset + s.Size; r += entry)
                    relocated.Add((int)(U64(r + 8) >> 32));
            }

            for (int i = 0; i < count; i++)
            {
                long e = dynsym.Offset + 24L * i;
                result.Add(new ElfDynamicSymbol
                {
                    Index = i,
                    Name = Str(strings, U32(e)),
                    IsDefined = U16(e + 6) != 0,
                    VersionIndex = (ushort)(versions[i] & 0x7FFF),
                    IsRelocated = relocated.Contains(i),
                });
            }

            return result;
        }

        private Section StringTable(uint index)
        {
            if (index >= _sections.Count || _sections[(int)index].Type != ShtStrtab)
                throw Bad($"linked section {index} is not a string table");
            return _sections[(int)index];
        }

        private string Str(Section table, uint offset)
        {
            if (offset >= table.Size)
                throw Bad("string offset out of bounds");
            long start = table.Offset + offset, end = start;
            long limit = table.Offset + table.Size;
            while (end < limit && _bytes[end] != 0)
                end++;
            return Encoding.ASCII.GetString(_bytes, (int)start, (int)(end - start));
        }

        private void Check(long offset, int size, Section s)
        {
            if (offset < s.Offset || offset + size > s.Offset + s.Size)
                throw Bad("version section entry out of bounds");
        }

        private ushort U16(long o) => (ushort)(_bytes[o] | (_bytes[o + 1] << 8));

        private uint U32(long o) => (uint)(U16(o) | (U16(o + 2) << 16));

        private ulong U64(long o) => U32(o) | ((ulong)U32(o + 4) << 32);

        private InvalidDataException Bad(string what) => new InvalidDataException($"{_name}: {what}");
    }

    /// <summary>The decision for one library: which version needs to weaken, or why that would be unsafe.</summary>
    public sealed class VersionNeedPlan
    {
        public List<ElfVersionNeed> ToWeaken = new List<ElfVersionNeed>();
        public List<string> AlreadyWeak = new List<string>();
        public List<string> Errors = new List<string>();
        public List<string> Notes = new List<string>();
    }

    public static class VersionNeedPatcher
    {
        /// <summary>Folders the dynamic loader searches on common Linux distributions, after LD_LIBRARY_PATH.</summary>
        public static IEnumerable<string> LibraryFolders()
        {
            string? ld = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ld))
                foreach (string d in ld.Split(':'))
                    if (d.Length > 0)
                        yield return d;
            foreach (string d in new[]
                     {
                         "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                         "/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
                     })
                yield return d;
        }

        /// <summary>
        /// Decides what to do with <paramref name="library"/>: every version need the host libraries cannot satisfy must be
        /// bound only by <paramref name="markerSymbols"/>, undefined and unused by any relocation; those needs are weakened.
        /// Anything else is an error, because weakening it would hide a real missing function.
        /// </summary>
        public static VersionNeedPlan Plan(ElfImage library, Func<string, HashSet<string>?> hostVersions, ICollection<string> markerSymbols)
        {
            var plan = new VersionNeedPlan();
            List<ElfDynamicSymbol>? symbols = null;
            foreach (ElfVersionNeed need in library.VersionNeeds())
            {
                HashSet<string>? provided = hostVersions(need.File);
                if (provided == null)
                {
                    plan.Notes.Add($"{need.File} not found on this machine; {need.Version} not checked");
                    continue;
                }

                if (provided.Contains(need.Version))
                    continue;
                if (need.IsWeak)
                {
                    plan.AlreadyWeak.Add(need.Version);
                    continue;
                }

                symbols ??= library.DynamicSymbols();
                var bound = symbols.Where(s => s.VersionIndex == need.Index).ToList();
                var unsafeSymbols = bound.Where(s => !markerSymbols.Contains(s.Name) || s.IsDefined || s.IsRelocated).ToList();
                if (unsafeSymbols.Count > 0)
                {
                    plan.Errors.Add(
                        $"{need.File} on this machine lacks {need.Version}, and it is needed by " +
                        string.Join(", ", unsafeSymbols.Select(s => s.Name + (s.IsRelocated ? " (used by a relocation)" : s.IsDefined ? " (defined)" : ""))) +
                        ", not only by the marker " + string.Join(", ", markerSymbols) +
                        ". Marking it weak would hide a real missing function: install a newer libstdc++ (GCC 13 or later, e.g. Ubuntu 24.04 or Debian 13) instead.");
                    continue;
                }

                plan.ToWeaken.Add(need);
            }

            return plan;
        }

        /// <summary>Sets VER_FLG_WEAK on the planned entries of <paramref name="bytes"/>.</summary>
        public static void Apply(byte[] bytes, VersionNeedPlan plan)
        {
            foreach (ElfVersionNeed need in plan.ToWeaken)
            {
                ushort flags = (ushort)(need.Flags | ElfImage.VerFlagWeak);
                bytes[need.FlagsOffset] = (byte)flags;
                bytes[need.FlagsOffset + 1] = (byte)(flags >> 8);
            }
        }

        /// <summary>The version names the host's copy of <paramref name="soname"/> defines, or null if not found.</summary>
        public static HashSet<string>? HostVersions(string soname)
        {
            foreach (string folder in LibraryFolders())
            {
                string path = Path.Combine(folder, soname);
                if (!File.Exists(path))
                    continue;
                try
                {
                    return new ElfImage(File.ReadAllBytes(path), path).VersionDefinitions();
                }
                catch (InvalidDataException)
                {
                    // A 32-bit or foreign-architecture copy: keep looking.
                }
            }

            return null;
        }
    }
}

#if !ELF_PATCH_NO_MSBUILD
namespace OnnxAudio.Build
{
    /// <summary>MSBuild task: weakens unsatisfiable marker-only version needs in copies of native libraries.</summary>
    public sealed class WeakenUnsatisfiedVersionNeeds : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>Symbols that may be bound to a missing version (markers that nothing calls).</summary>
        public string MarkerSymbols { get; set; } = "_ZSt21ios_base_library_initv";

        /// <summary>The package cache, which must never be modified.</summary>
        public string NuGetPackageRoot { get; set; } = "";

        public override bool Execute()
        {
            var markers = new HashSet<string>(MarkerSymbols.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries));
            foreach (var item in Libraries)
            {
                string path = Path.GetFullPath(item.ItemSpec);
                if (!File.Exists(path))
                    continue;
                if (NuGetPackageRoot.Length > 0 && path.StartsWith(Path.GetFullPath(NuGetPackageRoot), StringComparison.Ordinal))
                {
                    Log.LogError($"{path}: refusing to patch a file inside the NuGet package cache");
                    continue;
                }

                byte[] bytes = File.ReadAllBytes(path);
                VersionNeedPlan plan;
                try
                {
                    plan = VersionNeedPatcher.Plan(new ElfImage(bytes, path), VersionNeedPatcher.HostVersions, markers);
                }
                catch (InvalidDataException e)
                {
                    Log.LogError($"{path}: cannot read its ELF version sections: {e.Message}");
                    continue;
                }

                foreach (string note in plan.Notes)
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"{Path.GetFileName(path)}: {note}");
                foreach (string error in plan.Errors)
                    Log.LogError($"{path}: {error}");
                if (plan.Errors.Count > 0)
                    continue;
                if (plan.ToWeaken.Count == 0)
                {
                    string state = plan.AlreadyWeak.Count > 0 ? $"already patched ({string.Join(", ", plan.AlreadyWeak)} weak)" : "the host satisfies every version it needs; nothing to do";
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"{Path.GetFileName(path)}: {state}");
                    continue;
                }

                VersionNeedPatcher.Apply(bytes, plan);
                // Write a new file and move it over the old name: an output copy hard-linked to the package cache is
                // replaced, never modified in place.
                string temp = path + ".weakening.tmp";
                File.WriteAllBytes(temp, bytes);
                File.Delete(path); // unlinks the name only: a hard-linked original keeps its content
                File.Move(temp, path);
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                    $"{Path.GetFileName(path)}: marked {string.Join(", ", plan.ToWeaken.Select(n => n.Version + " of " + n.File))} weak " +
                    $"(the host lacks it; only the marker {string.Join(", ", markers)} needs it) in {path}");
            }

            return !Log.HasLoggedErrors;
        }
    }
}
#endif
