namespace OnnxAudio.Cli;

/// <summary>
/// What the file-processing commands share: expanding files and folders into audio files, mapping an input tree onto
/// an output tree, and running files in parallel with a progress line on a terminal and one error line per failed file.
/// </summary>
internal static class FileBatch
{
    public static readonly string[] AudioExtensions = [".wav", ".wave", ".flac", ".mp3", ".ogg", ".opus", ".m4a", ".aac"];

    /// <summary>
    /// Files as given and the audio files inside folders (recursively, in ordinal order). Folder walks do not enter
    /// symbolically linked folders, so they never loop. FIFOs, devices and sockets are refused when opened
    /// (<see cref="Audio.AudioFile.Open"/>), before anything could block on them. With a <paramref name="shard"/>, only
    /// its files (by path relative to the folder given, or the file as given) remain.
    /// </summary>
    public static string[] Expand(IEnumerable<string> inputs, string[]? extensions = null, Shard? shard = null, CliContext? context = null)
    {
        extensions ??= AudioExtensions;
        var files = new List<(string Path, string Relative)>();
        foreach (string input in inputs)
        {
            if (input == StandardInput.Name)
                files.Add((StandardInput.Spool(), input));
            else if (Directory.Exists(input))
                files.AddRange(Walk(input).Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal)
                    .Select(f => (f, Path.GetRelativePath(input, f))));
            else if (File.Exists(input))
                files.Add((input, input));
            else
                throw new OnnxAudioException($"{input}: no such file or folder");
        }

        if (files.Count == 0)
            throw new OnnxAudioException("no audio files among the inputs");
        return TakeShard(context, shard, files, f => f.Relative).Select(f => f.Path).ToArray();
    }

    /// <summary>The items <paramref name="shard"/> owns (all without one), saying how many of how many.</summary>
    private static List<T> TakeShard<T>(CliContext? context, Shard? shard, List<T> items, Func<T, string> relativePath)
    {
        if (shard is not Shard s)
            return items;
        var mine = items.Where(item => s.Owns(relativePath(item))).ToList();
        context?.Error.WriteLine($"onnxaudio: shard {s}: {mine.Count} of {items.Count} files");
        return mine;
    }

    /// <summary>
    /// Files below <paramref name="folder"/>: links to files are kept, linked folders are not entered (a link back up
    /// would loop forever).
    /// </summary>
    private static IEnumerable<string> Walk(string folder)
    {
        var pending = new Stack<string>([folder]);
        var options = new EnumerationOptions { AttributesToSkip = FileAttributes.Hidden, IgnoreInaccessible = true };
        while (pending.Count > 0)
        {
            string current = pending.Pop();
            foreach (string file in Directory.EnumerateFiles(current, "*", options))
                yield return file;
            foreach (string sub in Directory.EnumerateDirectories(current, "*", options))
                if (new DirectoryInfo(sub).LinkTarget is null)
                    pending.Push(sub);
        }
    }

    /// <summary>
    /// Input → output pairs for an IN OUT command. A folder IN maps onto the folder OUT with the same relative names
    /// (extension <paramref name="outputExtension"/>); a file IN maps onto OUT, or into OUT when OUT is an existing folder.
    /// No output may be an input. With a <paramref name="shard"/>, only its pairs (by input path relative to IN) remain.
    /// </summary>
    public static (string Input, string Output)[] Map(string input, string output, string outputExtension, string[]? inputExtensions = null,
        Shard? shard = null, CliContext? context = null)
    {
        (string, string)[] pairs;
        if (input == StandardInput.Name)
        {
            if (Directory.Exists(output))
                throw new OnnxAudioException($"{output}: is a folder; standard input needs an output file name");
            pairs = [(StandardInput.Spool(), output)];
        }
        else if (Directory.Exists(input))
        {
            if (File.Exists(output))
                throw new OnnxAudioException($"{output}: is a file; a folder input needs an output folder");
            OutputPaths.EnsureSeparateTrees(input, output);
            pairs = Expand([input], inputExtensions)
                .Select(f => (f, Path.ChangeExtension(Path.Combine(output, Path.GetRelativePath(input, f)), outputExtension)))
                .ToArray();
            pairs = TakeShard(context, shard, pairs.ToList(), p => Path.GetRelativePath(input, p.Item1)).ToArray();
        }
        else if (File.Exists(input))
        {
            string target = Directory.Exists(output) ? Path.Combine(output, Path.ChangeExtension(Path.GetFileName(input), outputExtension)) : output;
            pairs = shard is Shard s && !s.Owns(input) ? [] : [(input, target)];
        }
        else
        {
            throw new OnnxAudioException($"{input}: no such file or folder");
        }

        var inputs = pairs.Select(p => OutputPaths.RealPath(p.Item1)).ToHashSet(StringComparer.Ordinal);
        foreach (var (i, o) in pairs)
        {
            OutputPaths.EnsureNotInput(i, o);
            if (inputs.Contains(OutputPaths.RealPath(o)))
                throw new OnnxAudioException($"{o}: the output would overwrite an input; choose another output folder");
        }

        return pairs;
    }

    /// <summary>
    /// Runs <paramref name="work"/> for every item, <paramref name="jobs"/> at a time. Each returns its result line (or
    /// null); an <see cref="OnnxAudioException"/> fails only that item. Results print in item order, errors to standard
    /// error; returns whether every item succeeded.
    /// </summary>
    public static bool Run(CliContext context, IReadOnlyList<string> items, int jobs, CancellationToken cancellationToken, Func<int, string?> work)
    {
        var results = new string?[items.Count];
        var errors = new string?[items.Count];
        var finished = new bool[items.Count];
        int done = 0;
        bool interactive = IsInteractive(context) && items.Count > 1;
        try
        {
            Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs), CancellationToken = cancellationToken }, i =>
            {
                try
                {
                    results[i] = work(i);
                }
                catch (Exception e) when (e is OnnxAudioException or IOException or UnauthorizedAccessException)
                {
                    errors[i] = e.Message;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return; // abandoned mid-file: its writer removed the temporary file
                }

                finished[i] = true;
                int n = Interlocked.Increment(ref done);
                if (interactive)
                    lock (context.Error)
                        context.Error.Write($"\r{n}/{items.Count} files");
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        if (interactive)
            context.Error.WriteLine();
        for (int i = 0; i < items.Count; i++)
        {
            if (errors[i] is string error)
                context.Error.WriteLine($"onnxaudio: {StandardInput.Display(error.ReplaceLineEndings(" "))}");
            else if (!string.IsNullOrEmpty(results[i]))
                context.Out.WriteLine(StandardInput.Display(results[i]!));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            context.Error.WriteLine($"onnxaudio: {finished.Count(f => f)} of {items.Count} files completed before the interruption; run the same command again to do the rest");
            cancellationToken.ThrowIfCancellationRequested();
        }

        return errors.All(e => e is null);
    }

    /// <summary>
    /// Drops the pairs whose output exists already (outputs appear only when complete, so these are done), unless
    /// <paramref name="overwrite"/>; says how many were skipped. A re-run after an interruption thus does the rest.
    /// </summary>
    public static (string Input, string Output)[] SkipExisting(CliContext context, (string Input, string Output)[] pairs, bool overwrite)
    {
        if (overwrite)
            return pairs;
        var todo = pairs.Where(p => !File.Exists(p.Output)).ToArray();
        if (todo.Length < pairs.Length)
        {
            string example = pairs.First(p => File.Exists(p.Output)).Output;
            context.Error.WriteLine(pairs.Length == 1
                ? $"onnxaudio: {example}: exists already; skipped (--overwrite replaces it)"
                : $"onnxaudio: {pairs.Length - todo.Length} of {pairs.Length} outputs exist already (e.g. {example}); skipped (--overwrite replaces them)");
        }

        return todo;
    }

    /// <summary>Whether progress may be drawn: standard error is a terminal and is where this command writes messages.</summary>
    public static bool IsInteractive(CliContext context) => !Console.IsErrorRedirected && ReferenceEquals(context.Error, Console.Error);

    /// <summary>A percentage line for one long file on a terminal (nothing otherwise), redrawn at most once per percent.</summary>
    public static IProgress<long>? FileProgress(CliContext context, string name, long? totalSamples)
    {
        if (!IsInteractive(context) || totalSamples is not > 0)
            return null;
        int last = -1;
        return new SynchronousProgress<long>(done =>
        {
            int percent = (int)Math.Min(100, 100 * done / totalSamples.Value);
            if (percent == last)
                return;
            last = percent;
            lock (context.Error)
                context.Error.Write($"\r{name}: {percent}%" + (percent == 100 ? Environment.NewLine : ""));
        });
    }

    /// <summary>IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, out of order).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
