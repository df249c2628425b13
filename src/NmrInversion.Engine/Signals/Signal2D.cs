using System.Globalization;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;

namespace NmrInversion.Engine.Signals;

/// <summary>
/// A measured or simulated NMR signal S[i, j] on acquisition axes (t1, t2, b), with the kernels that map a distribution
/// onto it (S = K1 F K2^T + E) and the relaxation grid it should be inverted onto. Simulated signals carry their
/// <see cref="Truth"/> so that later pipeline stages can score reconstructions. A 1D signal has a one-point <see cref="Axis2"/>.
/// </summary>
public sealed class Signal2D
{
    private readonly double[,] _values;

    public Signal2D(double[,] values, AcquisitionAxis axis1, AcquisitionAxis axis2, KernelPair kernels,
        RelaxationAxis? relaxationAxis1 = null, RelaxationAxis? relaxationAxis2 = null,
        double? noiseSigma = null, double? snr = null, Distribution2D? truth = null, string? name = null, int? seed = null,
        IReadOnlyDictionary<string, string>? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(axis1);
        ArgumentNullException.ThrowIfNull(axis2);
        ArgumentNullException.ThrowIfNull(kernels);
        if (values.GetLength(0) != axis1.Count || values.GetLength(1) != axis2.Count)
            throw new NmrInputException("SignalSizeMismatch",
                $"The signal is {values.GetLength(0)}x{values.GetLength(1)} but its acquisition axes have {axis1.Count} ({axis1.Name}) and {axis2.Count} ({axis2.Name}) points.", InputProblem.Data);
        if (kernels.Dimensions == 1 && axis2.Count != 1)
            throw new NmrInputException("SignalSizeMismatch", $"A 1D {kernels.Experiment} signal must have a one-point second axis; got {axis2.Count} points.", InputProblem.Data);
        if (kernels.Dimensions == 1 && axis1.Count < 2)
            throw new NmrInputException("SignalTooSmall", $"A 1D {kernels.Experiment} signal needs at least 2 points; got {axis1.Count}.", InputProblem.Data);
        if (kernels.Dimensions == 2 && (axis1.Count < 2 || axis2.Count < 2))
            throw new NmrInputException("SignalTooSmall", $"A 2D {kernels.Experiment} signal needs at least 2 points on each axis; got {axis1.Count}x{axis2.Count}.", InputProblem.Data);
        CheckFinite(values, name);
        if (noiseSigma is { } s && (double.IsNaN(s) || double.IsInfinity(s) || s < 0))
            throw new NmrInputException("NoiseLevelInvalid", $"The noise level must be a finite number >= 0; got {s}.", InputProblem.Data);

        _values = (double[,])values.Clone();
        Axis1 = axis1;
        Axis2 = axis2;
        Kernels = kernels;
        if (relaxationAxis1 is null || relaxationAxis2 is null)
        {
            var resolvable = truth is null ? ResolvableRange.For(kernels, axis1, axis2) : default;
            RelaxationAxis1 = relaxationAxis1 ?? truth?.Axis1 ?? resolvable.Axis1;
            RelaxationAxis2 = relaxationAxis2 ?? truth?.Axis2 ?? resolvable.Axis2;
        }
        else
        {
            RelaxationAxis1 = relaxationAxis1;
            RelaxationAxis2 = relaxationAxis2;
        }
        kernels.CheckAxes(RelaxationAxis1, RelaxationAxis2);
        NoiseSigma = noiseSigma;
        Snr = snr;
        Truth = truth;
        Name = name ?? truth?.Name ?? "Signal";
        Seed = seed;
        Provenance = provenance ?? new Dictionary<string, string>();
    }

    /// <summary>The signal, first index along <see cref="Axis1"/>. The array is the object's own storage: copy it before changing it.</summary>
    public double[,] Values => _values;

    /// <summary>First acquisition axis (t1 in s, or b in s/m^2).</summary>
    public AcquisitionAxis Axis1 { get; }

    /// <summary>Second acquisition axis (t2 in s, or b in s/m^2); one point for 1D signals.</summary>
    public AcquisitionAxis Axis2 { get; }

    /// <summary>The kernel pair: S = K1 F K2^T.</summary>
    public KernelPair Kernels { get; }

    public Experiment Experiment => Kernels.Experiment;

    public int Dimensions => Kernels.Dimensions;

    /// <summary>
    /// The relaxation grid inversions reconstruct on: the one given, else the truth's for a simulated signal, else the range
    /// this acquisition resolves (<see cref="ResolvableRange"/>).
    /// </summary>
    public RelaxationAxis RelaxationAxis1 { get; }

    public RelaxationAxis RelaxationAxis2 { get; }

    /// <summary>Noise standard deviation in signal units, when known (simulated) or stated by the instrument file; null otherwise.</summary>
    public double? NoiseSigma { get; }

    /// <summary>Requested SNR (max |S_clean| / sigma) for simulated signals; null for measurements.</summary>
    public double? Snr { get; }

    /// <summary>The distribution the signal was simulated from, if any.</summary>
    public Distribution2D? Truth { get; }

    /// <summary>Preset letter, file name or a user label.</summary>
    public string Name { get; }

    /// <summary>The noise seed of a simulated signal.</summary>
    public int? Seed { get; }

    /// <summary>Where the signal came from: file, instrument, parameters read.</summary>
    public IReadOnlyDictionary<string, string> Provenance { get; }

    /// <summary>The file the signal was read from (its provenance's File, or the JSON file it was imported from); null for a simulated signal.</summary>
    public string? SourceFile => Provenance.TryGetValue("File", out var f) ? f : Provenance.TryGetValue("ImportedFrom", out var j) ? j : null;

    /// <summary>
    /// What the import checks found doubtful about the measurement (its shape does not fit the declared experiment, the
    /// file's noise level was unusable, ...): stable ids and messages. Empty for a signal nothing was found wrong with.
    /// Kept by the signal's copies (other relaxation grid, inversion efficiency, scaling).
    /// </summary>
    public IReadOnlyList<NmrWarning> Warnings { get; private init; } = Array.Empty<NmrWarning>();

    /// <summary>The same signal with <paramref name="warnings"/> added to its <see cref="Warnings"/> (the signal itself when there are none).</summary>
    public Signal2D WithWarnings(IEnumerable<NmrWarning> warnings)
    {
        var added = warnings.ToList();
        if (added.Count == 0) return this;
        return new Signal2D(_values, Axis1, Axis2, Kernels, RelaxationAxis1, RelaxationAxis2, NoiseSigma, Snr, Truth, Name, Seed, Provenance)
        {
            Warnings = Warnings.Concat(added).ToArray(),
        };
    }

    /// <summary>
    /// Throws SignalNotFinite naming the first NaN or infinite value. The constructor checks this, but <see cref="Values"/>
    /// is the object's own storage and may have been changed since; solvers and writers check again.
    /// </summary>
    public void CheckFinite() => CheckFinite(_values, Name);

    private static void CheckFinite(double[,] values, string? name)
    {
        for (int i = 0; i < values.GetLength(0); i++)
            for (int j = 0; j < values.GetLength(1); j++)
                if (!double.IsFinite(values[i, j]))
                    throw new NmrInputException("SignalNotFinite", $"The signal{(name is null ? "" : $" '{name}'")} has a non-finite value ({values[i, j].ToString(CultureInfo.InvariantCulture)}) at [{i}, {j}]; remove or repair that point.", InputProblem.Data);
    }

    /// <summary>
    /// The same measurement to be inverted onto other relaxation grids (null keeps an axis). The truth is kept only
    /// when the grid is unchanged, since a truth on another grid cannot score the reconstruction.
    /// </summary>
    public Signal2D WithRelaxationAxes(RelaxationAxis? axis1, RelaxationAxis? axis2)
    {
        var r1 = axis1 ?? RelaxationAxis1;
        var r2 = axis2 ?? RelaxationAxis2;
        bool same = r1.Equals(RelaxationAxis1) && r2.Equals(RelaxationAxis2);
        return new Signal2D(_values, Axis1, Axis2, Kernels, r1, r2, NoiseSigma, Snr, same ? Truth : null, Name, Seed, Provenance) { Warnings = Warnings };
    }

    /// <summary>True when the relaxation grid is the one the acquisition resolves (<see cref="ResolvableRange"/>), not one given or a truth's.</summary>
    public bool RelaxationAxesFromAcquisition
    {
        get
        {
            if (Truth is not null) return false;
            var (r1, r2) = ResolvableRange.For(Kernels, Axis1, Axis2);
            return r1.Equals(RelaxationAxis1) && r2.Equals(RelaxationAxis2);
        }
    }

    public string Size => Dimensions == 1 ? Axis1.Count.ToString(CultureInfo.InvariantCulture) : $"{Axis1.Count}x{Axis2.Count}";

    public double MaxAbs => MatrixProducts.MaxAbs(_values);

    /// <summary>
    /// The signal a solver should work on. Refuses a signal with a NaN or infinite value (SignalNotFinite, naming the
    /// cell) and an all-zero signal (SignalAllZero: nothing to invert; a unit-sum
    /// distribution would pretend). When max |S| lies outside [2^-100, 2^100], squares of the data would overflow or
    /// underflow (values near 1e300 or 1e-300), so the copy is scaled by an exact power of two, 2^-<paramref name="exponent"/>;
    /// residuals and noise levels computed on it are multiplied by 2^exponent to return to the signal's units. Ordinary
    /// signals come back unchanged (exponent 0), so their results stay bit-identical.
    /// </summary>
    public Signal2D ForInversion(out int exponent)
    {
        CheckFinite();
        double max = MaxAbs;
        if (!(max > 0))
            throw new NmrInputException("SignalAllZero", $"The signal '{Name}' is zero everywhere: there is nothing to invert. Check the file or the acquisition.", InputProblem.Data);
        exponent = 0;
        if (max >= Math.ScaleB(1.0, -100) && max <= Math.ScaleB(1.0, 100)) return this;
        exponent = Math.ILogB(max);
        var v = new double[_values.GetLength(0), _values.GetLength(1)];
        for (int i = 0; i < v.GetLength(0); i++)
            for (int j = 0; j < v.GetLength(1); j++)
                v[i, j] = Math.ScaleB(_values[i, j], -exponent);
        double? sigma = NoiseSigma is { } s ? Math.ScaleB(s, -exponent) : null;
        return new Signal2D(v, Axis1, Axis2, Kernels, RelaxationAxis1, RelaxationAxis2, sigma, Snr, Truth, Name, Seed, Provenance) { Warnings = Warnings };
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name} {Experiment} signal {Size}{(Snr is { } snr ? $", SNR {snr:G4}" : "")}");
}
