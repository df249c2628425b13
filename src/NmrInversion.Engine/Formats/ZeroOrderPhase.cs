namespace NmrInversion.Engine.Formats;

/// <summary>
/// Phase correction of complex (quadrature) relaxation data to a real signal: one zero-order phase for the whole data
/// set, the angle phi that maximises the energy of the real channel, sum (Re(z e^(-i phi)))^2. It has a closed form:
/// phi = atan2(2 sum(re im), sum(re^2 - im^2)) / 2. That angle is defined up to pi, so the sign is fixed afterwards by a
/// reference the experiment knows to be positive (the recovered end of an inversion recovery, the first echoes of a
/// decay). One phase for the whole set keeps the relative sign of the rows, which an inversion recovery needs.
/// </summary>
public sealed class ZeroOrderPhase
{
    private ZeroOrderPhase(double[,] real, double[,] imaginary, double degrees)
    {
        Real = real;
        Imaginary = imaginary;
        Degrees = degrees;
    }

    /// <summary>The phased real channel: the signal.</summary>
    public double[,] Real { get; }

    /// <summary>The phased imaginary channel: noise (used for the noise estimate).</summary>
    public double[,] Imaginary { get; }

    /// <summary>The applied phase in degrees (sign choice included), in (-180, 180].</summary>
    public double Degrees { get; }

    /// <summary>
    /// Phases <paramref name="re"/> + i <paramref name="im"/>. <paramref name="reference"/> returns a number from the
    /// phased real channel that must be positive (for example the sum of the last row); the phase is turned by pi if not.
    /// </summary>
    public static ZeroOrderPhase Apply(double[,] re, double[,] im, Func<double[,], double> reference)
    {
        int n1 = re.GetLength(0), n2 = re.GetLength(1);
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
            {
                sxy += re[i, j] * im[i, j];
                sxx += re[i, j] * re[i, j] - im[i, j] * im[i, j];
            }
        double phi = 0.5 * Math.Atan2(2 * sxy, sxx);
        var (r, q) = Rotate(re, im, phi);
        if (reference(r) < 0)
        {
            phi += Math.PI;
            (r, q) = Rotate(re, im, phi);
        }
        double degrees = phi * 180.0 / Math.PI;
        if (degrees > 180) degrees -= 360;
        if (degrees <= -180) degrees += 360;
        return new ZeroOrderPhase(r, q, degrees);
    }

    private static (double[,] Re, double[,] Im) Rotate(double[,] re, double[,] im, double phi)
    {
        int n1 = re.GetLength(0), n2 = re.GetLength(1);
        double c = Math.Cos(phi), s = Math.Sin(phi);
        var r = new double[n1, n2];
        var q = new double[n1, n2];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
            {
                r[i, j] = re[i, j] * c + im[i, j] * s;
                q[i, j] = -re[i, j] * s + im[i, j] * c;
            }
        return (r, q);
    }

    /// <summary>Sum of row <paramref name="row"/> (negative index counts from the end).</summary>
    public static double RowSum(double[,] x, int row)
    {
        int i = row < 0 ? x.GetLength(0) + row : row;
        double s = 0;
        for (int j = 0; j < x.GetLength(1); j++) s += x[i, j];
        return s;
    }

    /// <summary>Sum of the first <paramref name="count"/> values of a one-column signal (or of the first column).</summary>
    public static double HeadSum(double[,] x, int count)
    {
        double s = 0;
        for (int i = 0; i < Math.Min(count, x.GetLength(0)); i++) s += x[i, 0];
        return s;
    }
}
