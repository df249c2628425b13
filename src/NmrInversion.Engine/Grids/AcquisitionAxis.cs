namespace NmrInversion.Engine.Grids;

/// <summary>
/// The grid a signal is sampled on: recovery times t1 (s), echo times t2 (s) or diffusion weightings b (s/m^2).
/// </summary>
public sealed class AcquisitionAxis : Axis
{
    public AcquisitionAxis(string name, IReadOnlyList<double> values)
        : base(name, name == "b" ? "s/m^2" : name == "None" ? "" : "s", values, allowSinglePoint: true)
    {
    }

    /// <summary>The paper's t1 grid: 64 log-spaced points from 1e-3 to 1e1 s.</summary>
    public static AcquisitionAxis PaperT1(int count = 64) => new("t1", LogSpace(1e-3, 1e1, count));

    /// <summary>The paper's t2 grid: 64 log-spaced points from 1e-4 to 1e0 s.</summary>
    public static AcquisitionAxis PaperT2(int count = 64) => new("t2", LogSpace(1e-4, 1e0, count));

    /// <summary>A default b grid: 64 log-spaced points from 1e7 to 1e11 s/m^2.</summary>
    public static AcquisitionAxis DefaultB(int count = 64) => new("b", LogSpace(1e7, 1e11, count));

    /// <summary>The one-point axis of a missing second dimension (1D signal).</summary>
    public static AcquisitionAxis Single() => new("None", new[] { 1.0 });

    /// <summary>A linear echo train: <paramref name="count"/> echoes at <paramref name="echoSpacing"/>, 2*spacing, ...</summary>
    public static AcquisitionAxis EchoTrain(double echoSpacing, int count)
    {
        if (!(echoSpacing > 0) || double.IsInfinity(echoSpacing))
            throw new NmrInputException("EchoSpacingInvalid", $"The echo spacing must be a finite positive number of seconds; got {echoSpacing}.");
        var v = new double[count];
        for (int i = 0; i < count; i++) v[i] = echoSpacing * (i + 1);
        return new AcquisitionAxis("t2", v);
    }

    public static AcquisitionAxis LogSpaced(string name, double minimum, double maximum, int count) => new(name, LogSpace(minimum, maximum, count));
}
