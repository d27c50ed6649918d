using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using OnnxAudio.Audio;
using OnnxAudio.Dsp;

namespace OnnxAudio.Compression;

/// <summary>
/// How <see cref="SpeechCodec"/> feeds a codec family's encoder and turns its decoder's output into samples (see
/// <see cref="CodecSignal"/>): everything else — blocks, context, bitstream, coding — is the same for every family.
/// </summary>
internal abstract class CodecSignalPath(CodecSpec spec)
{
    protected CodecSpec Spec { get; } = spec;

    public static CodecSignalPath For(CodecSpec spec) => spec.Signal switch
    {
        CodecSignal.Spectrum => new SpectrumPath(spec),
        CodecSignal.Waveform => new WaveformPath(spec),
        CodecSignal.Magnitude => new MagnitudePath(spec),
        _ => throw new ArgumentOutOfRangeException(nameof(spec)),
    };

    /// <summary>Samples the encoder reads beyond a block's code frames (its analysis window's reach).</summary>
    public abstract int Margin { get; }

    /// <summary>Runs the encoder on the code frames [from, from + latents) of the padded signal; the caller disposes the outputs.</summary>
    public abstract IDisposableReadOnlyCollection<OrtValue> Encode(InferenceSession encoder, PaddedSignal signal, long from, int latents);

    /// <summary>A synthesis that writes exactly <paramref name="originalLength"/> time-aligned samples to <paramref name="write"/>.</summary>
    public abstract Synthesis Start(long originalLength, Action<ReadOnlySpan<float>> write);

    protected static IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, string input, Memory<float> data, long[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data, shape);
        using var runOptions = new RunOptions();
        return session.Run(runOptions, [input], [value], [CodecSpec.CodesName]);
    }

    /// <summary>Turns decoded blocks into output samples.</summary>
    public abstract class Synthesis
    {
        /// <summary>Takes the code frames [offset, offset + count) of one decoded block (the rest is context).</summary>
        public abstract void Accept(ReadOnlySpan<float> decoded, int offset, int count);

        /// <summary>Flushes; returns the samples written.</summary>
        public abstract long Finish();
    }

    /// <summary>STFT frames in and out; the runtime's inverse STFT resynthesises (Hann, centred framing).</summary>
    private class SpectrumPath(CodecSpec spec) : CodecSignalPath(spec)
    {
        private readonly StftOptions _stft = spec.Stft;

        protected StftOptions StftOptions => _stft;

        protected int FramesPerCode => Spec.SamplesPerFrame / _stft.HopLength;

        public override int Margin => _stft.NFft;

        public override IDisposableReadOnlyCollection<OrtValue> Encode(InferenceSession encoder, PaddedSignal signal, long from, int latents)
        {
            int frames = latents * FramesPerCode, bins = _stft.Bins;
            int windowLength = (frames - 1) * _stft.HopLength + _stft.NFft, cells = frames * bins;
            // A block's buffers (a few MB) come from the pool: encoding an hour allocates no more than encoding a block.
            float[] window = ArrayPool<float>.Shared.Rent(windowLength);
            float[] real = ArrayPool<float>.Shared.Rent(cells), imag = ArrayPool<float>.Shared.Rent(cells);
            float[] spectrum = ArrayPool<float>.Shared.Rent(2 * cells);
            try
            {
                // Spectral frame f is centred on padded-signal sample f·hop; its window starts n_fft/2 earlier.
                signal.Window(from * Spec.SamplesPerFrame - _stft.NFft / 2, window.AsSpan(0, windowLength));
                new Stft(_stft).Forward(window.AsSpan(0, windowLength), real.AsSpan(0, cells), imag.AsSpan(0, cells));
                for (int i = 0; i < cells; i++)
                {
                    spectrum[2 * i] = real[i];
                    spectrum[2 * i + 1] = imag[i];
                }

                return Run(encoder, CodecSpec.SpectrumName, spectrum.AsMemory(0, 2 * cells), [1, frames, bins, 2]);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(window);
                ArrayPool<float>.Shared.Return(real);
                ArrayPool<float>.Shared.Return(imag);
                ArrayPool<float>.Shared.Return(spectrum);
            }
        }

        public override Synthesis Start(long originalLength, Action<ReadOnlySpan<float>> write) => new Istft(this, originalLength, write);

        /// <summary>Decoded frames (interleaved complex bins) through the streaming inverse STFT.</summary>
        protected class Istft(SpectrumPath path, long originalLength, Action<ReadOnlySpan<float>> write) : Synthesis
        {
            private readonly StreamingIstft _synthesis = new(path._stft);
            private readonly float[] _frame = new float[path._stft.HopLength];
            // Synthesis runs on the centred timeline: drop its n_fft/2 lead, keep exactly the original length.
            private readonly AlignedOutput _aligned = new(path._stft.NFft / 2, originalLength, write);

            protected float[] Real { get; } = new float[path._stft.Bins];

            protected float[] Imag { get; } = new float[path._stft.Bins];

            /// <summary>Values per decoded frame.</summary>
            protected virtual int FrameWidth => 2 * Real.Length;

            public override void Accept(ReadOnlySpan<float> decoded, int offset, int count)
            {
                int width = FrameWidth, perCode = path.FramesPerCode;
                for (int f = offset * perCode; f < (offset + count) * perCode; f++)
                    Push(decoded.Slice(f * width, width));
            }

            public override long Finish()
            {
                // The frame after the last code frame is silent (the encoder's padding); it completes the final samples.
                Push(new float[FrameWidth]);
                Drain();
                return _aligned.Written;
            }

            /// <summary>Takes one decoded frame.</summary>
            protected virtual void Push(ReadOnlySpan<float> interleaved)
            {
                for (int k = 0; k < Real.Length; k++)
                {
                    Real[k] = interleaved[2 * k];
                    Imag[k] = interleaved[2 * k + 1];
                }

                Synthesise();
            }

            /// <summary>Emits what a subclass still holds at the end.</summary>
            protected virtual void Drain()
            {
            }

            /// <summary>Overlap-adds the frame in <see cref="Real"/> and <see cref="Imag"/>.</summary>
            protected void Synthesise()
            {
                _synthesis.PushFrame(Real, Imag, _frame);
                _aligned.Accept(_frame);
            }
        }
    }

    /// <summary>
    /// STFT frames in, magnitudes out: <see cref="PhaseReconstruction"/> gives each decoded frame a phase (one frame later),
    /// then the inverse STFT resynthesises as for <see cref="SpectrumPath"/>.
    /// </summary>
    private sealed class MagnitudePath(CodecSpec spec) : SpectrumPath(spec)
    {
        public override Synthesis Start(long originalLength, Action<ReadOnlySpan<float>> write) => new PhasedIstft(this, originalLength, write);

        private sealed class PhasedIstft(MagnitudePath path, long originalLength, Action<ReadOnlySpan<float>> write) : Istft(path, originalLength, write)
        {
            private readonly PhaseReconstruction _phase = new(path.StftOptions);

            protected override int FrameWidth => Real.Length;

            protected override void Push(ReadOnlySpan<float> magnitude)
            {
                if (_phase.Push(magnitude, Real, Imag))
                    Synthesise();
            }

            // The frame the phase reconstruction held back for its look-ahead.
            protected override void Drain()
            {
                if (_phase.Flush(Real, Imag))
                    Synthesise();
            }
        }
    }

    /// <summary>Samples in and out: the graphs analyse and synthesise themselves; code frame t covers samples [t·S, (t+1)·S).</summary>
    private sealed class WaveformPath(CodecSpec spec) : CodecSignalPath(spec)
    {
        public override int Margin => 0;

        public override IDisposableReadOnlyCollection<OrtValue> Encode(InferenceSession encoder, PaddedSignal signal, long from, int latents)
        {
            int length = latents * Spec.SamplesPerFrame;
            float[] window = ArrayPool<float>.Shared.Rent(length);
            try
            {
                signal.Window(from * Spec.SamplesPerFrame, window.AsSpan(0, length));
                return Run(encoder, CodecSpec.AudioName, window.AsMemory(0, length), [1, length]);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(window);
            }
        }

        public override Synthesis Start(long originalLength, Action<ReadOnlySpan<float>> write) => new Samples(Spec.SamplesPerFrame, originalLength, write);

        private sealed class Samples(int samplesPerFrame, long originalLength, Action<ReadOnlySpan<float>> write) : Synthesis
        {
            private readonly AlignedOutput _aligned = new(0, originalLength, write);

            public override void Accept(ReadOnlySpan<float> decoded, int offset, int count) =>
                _aligned.Accept(decoded.Slice(offset * samplesPerFrame, count * samplesPerFrame));

            public override long Finish() => _aligned.Written;
        }
    }
}
