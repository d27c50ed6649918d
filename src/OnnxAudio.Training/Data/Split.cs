namespace OnnxAudio.Training.Data;

/// <summary>Which part of a corpus an item belongs to.</summary>
public enum Split
{
    Train,
    Validation,
    Test,
}
