namespace NmrInversion.Engine.Regularization;

/// <summary>
/// The GCV score of MTGV and its fixed-point update of the data weight alpha, evaluated at the current primal-dual
/// iterate (Beckmann et al., "Generalized Cross-Validation as a Method of Hyperparameter Search for MTGV
/// Regularization", arXiv 2311.11442, section 2.2; cam_ilt <c>utils.gcv_alpha_primal_dual</c>).
/// <para>
/// The F-step of the primal-dual iteration is a Tikhonov problem in the increment u = F - (F_k - tau Y1_k):
/// min_u (1/2)||K~ u - r||^2 + (lambda/2)||u||^2 with r = s~ - K~ (F_k - tau Y1_k) and lambda = 1/(tau alpha).
/// Its influence matrix gives the GCV score, and setting d GCV / d lambda = 0 gives the update (the Tikhonov GCV
/// fixed point of Mitchell, Chandrasekera and Gladden, Prog. NMR Spectrosc. 62 (2012) 34-50):
/// <code>
///   A = K~^T K~ + lambda I,   P = I - K~ A^-1 K~^T,   u = max(A^-1 K~^T r, -(F_k - tau Y1_k))
///   GCV = n ||P r||^2 / (tr P)^2
///   lambda_new = ||P r||^2 tr(A^-1 - lambda A^-2) / (u^T A^-1 u  tr P),     alpha_new = 1 / (tau lambda_new)
/// </code>
/// In singular coordinates everything is diagonal: P = diag(lambda / (sigma^2 + lambda)) on the kept set,
/// tr(A^-1 - lambda A^-2) = sum sigma^2 / (sigma^2 + lambda)^2 (the complement contributes 1/lambda - 1/lambda = 0),
/// u^T A^-1 u = sum_kept p^2 / (sigma^2 + lambda) + (||u||^2 - sum_kept p^2) / lambda with p = V1^T u V2.
/// (cam_ilt finds u by an iterative minimiser with arguments frozen at the first iterate and squares A^-1
/// element-wise in the trace; both are slips, not part of the method, and are not copied.)
/// </para>
/// </summary>
public static class MtgvGcv
{
    /// <summary>One GCV evaluation at the iterate: the score at <paramref name="alpha"/> and the updated alpha.</summary>
    public static (double Score, double NextAlpha) Update(Mtgv solver, MtgvIterate state, double alpha)
    {
        var p = solver.Problem;
        double tau = solver.Tau;
        double lambda = 1 / (tau * alpha);
        int n1 = p.Size1, n2 = p.Size2, k1 = p.Rank1, k2 = p.Rank2;

        // base = F - tau Y1;  r = s~ - K~ base  (on the kept set)
        var baseMap = new double[n1, n2];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
                baseMap[i, j] = state.F[i, j] - tau * state.Y1[i, j];
        var pb = new double[k1, k2];
        solver.ProjectInto(baseMap, pb);
        var sv = p.SingularValues; var s2 = p.SingularSquared; var d = p.Data;
        var uCoordinates = new double[k1, k2];
        double r2 = 0, trP = 0, trTerm = 0;
        for (int i = 0; i < k1; i++)
            for (int j = 0; j < k2; j++)
            {
                if (sv[i, j] == 0) continue;
                double r = d[i, j] - sv[i, j] * pb[i, j];
                double den = s2[i, j] + lambda;
                double pr = lambda / den * r;
                r2 += pr * pr;
                trP += lambda / den;
                trTerm += s2[i, j] / (den * den);
                uCoordinates[i, j] = sv[i, j] / den * r;
            }
        double score = p.Count * r2 / (trP * trP);

        // u = max(A^-1 K~^T r, -base), then u^T A^-1 u.
        var u = p.Expand(uCoordinates);
        double uNorm2 = 0;
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
            {
                double v = Math.Max(u[i, j], -baseMap[i, j]);
                u[i, j] = v;
                uNorm2 += v * v;
            }
        var pu = new double[k1, k2];
        solver.ProjectInto(u, pu);
        double keptNorm2 = 0, weighted = 0;
        for (int i = 0; i < k1; i++)
            for (int j = 0; j < k2; j++)
            {
                if (sv[i, j] == 0) continue;
                double c = pu[i, j];
                keptNorm2 += c * c;
                weighted += c * c / (s2[i, j] + lambda);
            }
        double uAu = weighted + Math.Max(0, uNorm2 - keptNorm2) / lambda;
        if (!(uAu > 0) || !(trP > 0) || !(r2 > 0)) return (score, alpha);
        double nextLambda = r2 * trTerm / (uAu * trP);
        double next = 1 / (tau * nextLambda);
        return (score, double.IsFinite(next) && next > 0 ? next : alpha);
    }
}
