using BenchmarkDotNet.Attributes;
using MathNet.Numerics.IntegralTransforms;
using OnnxAudio.Dsp;
using TorchSharp;

namespace OnnxAudio.Benchmarks;

/// <summary>
/// STFT of 60 s of 16 kHz audio (Hann, centred, reflect padding, one thread), ours against MathNet.Numerics (its real
/// FFT per frame), TorchSharp's torch.stft and FFTW single precision (plan per size, FFTW_MEASURE, per frame). Every
/// peer windows the frames and writes the one-sided spectrum, as ours does. The Ratio column is each peer's time over ours.
/// </summary>
[MemoryDiagnoser]
public unsafe class StftBenchmarks
{
    private float[] _signal = [];
    private float[] _padded = [];
    private float[] _window = [];
    private float[] _re = [], _im = [];
    private Stft _stft = null!;
    private float[] _mathNetFrame = [];
    private torch.Tensor _torchSignal = null!, _torchWindow = null!;
    private nint _fftwPlan;
    private float* _fftwIn, _fftwOut, _fftwFrames, _fftwSpectra;
    private int _frames;

    [Params("512/128", "400/160")]
    public string FftAndHop { get; set; } = "512/128";

    private int NFft { get; set; }

    private int Hop { get; set; }

    // FFTW's new-array execute needs the plan's alignment: keep every output spectrum on a 64-byte boundary.
    private int SpectrumStride => (NFft + 2 + 15) / 16 * 16;

    [GlobalSetup]
    public void Setup()
    {
        NFft = int.Parse(FftAndHop.Split('/')[0]);
        Hop = int.Parse(FftAndHop.Split('/')[1]);
        var random = new Random(42);
        _signal = Enumerable.Range(0, 60 * 16000).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        _stft = new Stft(new StftOptions { NFft = NFft, HopLength = Hop });
        int frames = _stft.FrameCount(_signal.Length);
        _re = new float[frames * _stft.Bins];
        _im = new float[frames * _stft.Bins];
        _window = Windows.Create(WindowFunction.Hann, NFft);
        int pad = NFft / 2;
        _padded = new float[_signal.Length + 2 * pad];
        for (int i = 0; i < _padded.Length; i++)
        {
            int j = i - pad;
            _padded[i] = j < 0 ? _signal[-j] : j >= _signal.Length ? _signal[2 * (_signal.Length - 1) - j] : _signal[j];
        }

        _mathNetFrame = new float[NFft + 2];
        global::MathNet.Numerics.Control.UseSingleThread();

        torch.set_num_threads(1);
        _torchSignal = torch.tensor(_signal);
        _torchWindow = torch.hann_window(NFft);

        if (Fftw.IsAvailable)
        {
            _fftwIn = (float*)Fftw.Malloc(NFft * sizeof(float));
            _fftwOut = (float*)Fftw.Malloc((NFft + 2) * sizeof(float));
            _fftwPlan = Fftw.PlanR2C(NFft, _fftwIn, _fftwOut, Fftw.Measure);
            // Frames windowed in advance, each at an FFTW-aligned offset, for the FFT-only variant.
            _frames = frames;
            _fftwFrames = (float*)Fftw.Malloc((nint)frames * NFft * sizeof(float));
            _fftwSpectra = (float*)Fftw.Malloc((nint)frames * SpectrumStride * sizeof(float));
            for (int t = 0; t < frames; t++)
                for (int i = 0; i < NFft; i++)
                    _fftwFrames[(long)t * NFft + i] = _padded[t * Hop + i] * _window[i];
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_fftwPlan != 0)
        {
            Fftw.DestroyPlan(_fftwPlan);
            Fftw.Free(_fftwIn);
            Fftw.Free(_fftwOut);
            Fftw.Free(_fftwFrames);
            Fftw.Free(_fftwSpectra);
        }

        _torchSignal.Dispose();
        _torchWindow.Dispose();
    }

    [Benchmark(Baseline = true, Description = "OnnxAudio Stft")]
    public void Ours() => _stft.Forward(_signal, _re, _im);

    [Benchmark(Description = "MathNet ForwardReal per frame")]
    public void MathNetPerFrame()
    {
        int bins = NFft / 2 + 1, frames = _re.Length / bins;
        for (int t = 0; t < frames; t++)
        {
            var src = _padded.AsSpan(t * Hop, NFft);
            for (int i = 0; i < NFft; i++)
                _mathNetFrame[i] = src[i] * _window[i];
            Fourier.ForwardReal(_mathNetFrame, NFft, FourierOptions.Matlab);
            for (int k = 0; k < bins; k++)
            {
                _re[t * bins + k] = _mathNetFrame[2 * k];
                _im[t * bins + k] = _mathNetFrame[2 * k + 1];
            }
        }
    }

    [Benchmark(Description = "TorchSharp torch.stft")]
    public void TorchStft()
    {
        using var spec = torch.stft(_torchSignal, NFft, Hop, NFft, _torchWindow, center: true, pad_mode: PaddingModes.Reflect, return_complex: true);
    }

    [Benchmark(Description = "FFTW r2c per frame")]
    public void FftwSinglePrecision()
    {
        if (_fftwPlan == 0)
            throw new InvalidOperationException($"{Fftw.Library} is not installed (apt-get install libfftw3-single3).");
        int bins = NFft / 2 + 1, frames = _re.Length / bins;
        for (int t = 0; t < frames; t++)
        {
            var src = _padded.AsSpan(t * Hop, NFft);
            for (int i = 0; i < NFft; i++)
                _fftwIn[i] = src[i] * _window[i];
            Fftw.Execute(_fftwPlan);
            for (int k = 0; k < bins; k++)
            {
                _re[t * bins + k] = _fftwOut[2 * k];
                _im[t * bins + k] = _fftwOut[2 * k + 1];
            }
        }
    }

    [Benchmark(Description = "FFTW r2c, FFT only (frames pre-windowed)")]
    public void FftwFftOnly()
    {
        if (_fftwPlan == 0)
            throw new InvalidOperationException($"{Fftw.Library} is not installed (apt-get install libfftw3-single3).");
        for (int t = 0; t < _frames; t++)
            Fftw.ExecuteR2C(_fftwPlan, _fftwFrames + (long)t * NFft, _fftwSpectra + (long)t * SpectrumStride);
    }
}
