namespace OnnxAudio.Evaluation;

/// <summary>DNSMOS P.835 scores (1–5) of one recording: speech signal, background, overall; averaged over its windows.</summary>
public readonly record struct DnsmosScore(double Sig, double Bak, double Ovrl, int Windows);
