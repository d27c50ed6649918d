namespace OnnxAudio.Training.Loop;

/// <summary>Linear warm-up to the peak, then cosine decay to a floor (Loshchilov &amp; Hutter, SGDR, with warm-up).</summary>
public static class LearningRateSchedule
{
    public static double At(int step, TrainingOptions options)
    {
        double peak = options.LearningRate, floor = peak * options.FinalLearningRateFraction;
        if (step < options.WarmupSteps)
            return peak * (step + 1) / options.WarmupSteps;
        int decaySteps = Math.Max(1, options.Steps - options.WarmupSteps);
        double progress = Math.Clamp((step - options.WarmupSteps) / (double)decaySteps, 0, 1);
        return floor + (peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
