namespace OnnxAudio.Evaluation;

/// <summary>Kinds of background noise the corpus generator mixes in.</summary>
public enum NoiseType
{
    White,
    Pink,
    Brown,
    /// <summary>Mains hum: 50 or 60 Hz with decaying harmonics.</summary>
    Hum,
    /// <summary>Clicks and crackle: sparse decaying impulses over a bed of fine crackle.</summary>
    Crackle,
    /// <summary>Several other speakers talking at once.</summary>
    Babble,
    /// <summary>A segment of one of the user's noise files.</summary>
    File,
}
