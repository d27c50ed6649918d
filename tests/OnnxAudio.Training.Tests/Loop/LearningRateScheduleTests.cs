using OnnxAudio.Training.Loop;

namespace OnnxAudio.Training.Tests.Loop;

public class LearningRateScheduleTests
{
    [Fact]
    public void Warms_up_linearly_then_decays_by_a_cosine_to_the_floor()
    {
        var o = new TrainingOptions { Steps = 1000, WarmupSteps = 100, LearningRate = 1e-3, FinalLearningRateFraction = 0.1 };
        Assert.Equal(1e-5, LearningRateSchedule.At(0, o), 12);
        Assert.Equal(5e-4, LearningRateSchedule.At(49, o), 12);
        Assert.Equal(1e-3, LearningRateSchedule.At(100, o), 12);
        // Half way through the decay the cosine is at its midpoint between peak and floor.
        Assert.Equal(1e-4 + 0.9e-3 * 0.5, LearningRateSchedule.At(550, o), 12);
        Assert.Equal(1e-4, LearningRateSchedule.At(1000, o), 12);
        for (int s = 101; s < 1000; s++)
            Assert.True(LearningRateSchedule.At(s, o) <= LearningRateSchedule.At(s - 1, o));
    }
}
