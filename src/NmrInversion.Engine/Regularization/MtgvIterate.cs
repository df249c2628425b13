namespace NmrInversion.Engine.Regularization;

/// <summary>
/// The state of the MTGV primal-dual iteration: primal F (distribution) and W (its smooth part), their extrapolations
/// F~ = 2F - F_old and W~ = 2W - W_old, and the duals Y1 (of F - W) and Y2 = (Y11, Ym, Y22) (of D2 W). All maps are
/// n1 x n2. Kept between hyperparameter values so each solve starts warm from the previous solution.
/// </summary>
public sealed class MtgvIterate
{
    /// <summary>The authors' start: F = W = 1/N everywhere, duals zero.</summary>
    public MtgvIterate(int n1, int n2)
    {
        F = Fill(n1, n2, 1.0 / (n1 * n2));
        W = Fill(n1, n2, 1.0 / (n1 * n2));
        FBar = (double[,])F.Clone();
        WBar = (double[,])W.Clone();
        Y1 = new double[n1, n2];
        Y3 = new double[n1, n2];
        Y11 = new double[n1, n2];
        Ym = new double[n1, n2];
        Y22 = new double[n1, n2];
    }

    private MtgvIterate(MtgvIterate other)
    {
        F = (double[,])other.F.Clone();
        W = (double[,])other.W.Clone();
        FBar = (double[,])other.FBar.Clone();
        WBar = (double[,])other.WBar.Clone();
        Y1 = (double[,])other.Y1.Clone();
        Y3 = (double[,])other.Y3.Clone();
        Y11 = (double[,])other.Y11.Clone();
        Ym = (double[,])other.Ym.Clone();
        Y22 = (double[,])other.Y22.Clone();
    }

    public double[,] F { get; }
    public double[,] W { get; }
    public double[,] FBar { get; }
    public double[,] WBar { get; }
    public double[,] Y1 { get; }

    /// <summary>Dual of the constraint F &gt;= 0 (non-positive).</summary>
    public double[,] Y3 { get; }
    public double[,] Y11 { get; }
    public double[,] Ym { get; }
    public double[,] Y22 { get; }

    public int Size1 => F.GetLength(0);
    public int Size2 => F.GetLength(1);

    public MtgvIterate Clone() => new(this);

    private static double[,] Fill(int n1, int n2, double v)
    {
        var a = new double[n1, n2];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
                a[i, j] = v;
        return a;
    }
}
