namespace OnnxAudio.Evaluation;

/// <summary>Synthetic noises at 16 kHz, each a function of its <see cref="Random"/> only.</summary>
public static class NoiseGenerator
{
    public const int SampleRate = 16000;

    public static float[] Generate(NoiseType type, int length, Random random) => type switch
    {
        NoiseType.White => White(length, random),
        NoiseType.Pink => Pink(length, random),
        NoiseType.Brown => Brown(length, random),
        NoiseType.Hum => Hum(length, random),
        NoiseType.Crackle => Crackle(length, random),
        _ => throw new ArgumentException($"{type} noise needs a source (speech or files), not a generator.", nameof(type)),
    };

    public static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    public static float[] White(int length, Random r)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++)
            x[i] = (float)Gaussian(r);
        return x;
    }

    /// <summary>1/f noise by Paul Kellet's refined filter of white noise (±0.05 dB from 9.2 Hz to Nyquist at 44.1 kHz).</summary>
    public static float[] Pink(int length, Random r)
    {
        var x = new float[length];
        double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
        for (int i = 0; i < length; i++)
        {
            double w = Gaussian(r);
            b0 = 0.99886 * b0 + w * 0.0555179;
            b1 = 0.99332 * b1 + w * 0.0750759;
            b2 = 0.96900 * b2 + w * 0.1538520;
            b3 = 0.86650 * b3 + w * 0.3104856;
            b4 = 0.55000 * b4 + w * 0.5329522;
            b5 = -0.7616 * b5 - w * 0.0168980;
            x[i] = (float)((b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362) * 0.2);
            b6 = w * 0.115926;
        }

        return x;
    }

    /// <summary>1/f² noise: leaky integration of white noise.</summary>
    public static float[] Brown(int length, Random r)
    {
        var x = new float[length];
        double y = 0;
        for (int i = 0; i < length; i++)
        {
            y = (y + 0.02 * Gaussian(r)) / 1.02;
            x[i] = (float)(y * 3.5);
        }

        return x;
    }

    public static float[] Hum(int length, Random r)
    {
        var x = new float[length];
        double f0 = r.Next(2) == 0 ? 50 : 60;
        int harmonics = 3 + r.Next(6);
        for (int h = 1; h <= harmonics; h++)
        {
            double amplitude = Math.Pow(0.6 + 0.3 * r.NextDouble(), h - 1), phase = 2 * Math.PI * r.NextDouble();
            double f = f0 * h * (1 + 0.002 * (r.NextDouble() - 0.5));
            for (int i = 0; i < length; i++)
                x[i] += (float)(amplitude * Math.Sin(2 * Math.PI * f * i / SampleRate + phase));
        }

        return x;
    }

    public static float[] Crackle(int length, Random r)
    {
        var x = new float[length];
        double clicksPerSecond = 2 + 20 * r.NextDouble(), cracklePerSecond = 200 + 2000 * r.NextDouble();
        for (int i = 0; i < length; i++)
        {
            if (r.NextDouble() < cracklePerSecond / SampleRate)
                x[i] += (float)(0.05 * Gaussian(r));
            if (r.NextDouble() < clicksPerSecond / SampleRate)
            {
                double amplitude = 0.3 + 0.7 * r.NextDouble(), decay = 0.3 + 0.5 * r.NextDouble();
                int sign = r.Next(2) == 0 ? -1 : 1;
                for (int k = 0; k < 40 && i + k < length; k++)
                    x[i + k] += (float)(sign * amplitude * Math.Pow(decay, k) * (k % 2 == 0 ? 1 : -0.6));
            }
        }

        return x;
    }

    /// <summary>Babble: several utterances summed at random offsets and levels, looped to <paramref name="length"/>.</summary>
    public static float[] Babble(IReadOnlyList<float[]> utterances, int length, Random r)
    {
        var x = new float[length];
        foreach (float[] u in utterances)
        {
            if (u.Length == 0)
                continue;
            double gain = 0.5 + r.NextDouble();
            int offset = r.Next(u.Length);
            for (int i = 0; i < length; i++)
                x[i] += (float)(gain * u[(i + offset) % u.Length]);
        }

        return x;
    }
}
