# MTGV with the full hyperparameter search (GCV alpha per beta, BRD-style beta) on 64x64 T1-T2 signals.
# Target: under 30 s per signal on the 2-core machine (the authors' code: about 12 min per signal).
$signals = New-NmrDistribution -Preset A, D, H | New-NmrSignal -Snr 200, 2000 -Seed 1
$null = New-NmrDistribution -Preset A | New-NmrSignal -Snr 200 -Seed 1 | Invoke-NmrMtgv -Alpha 500 -Beta 1 -MaxIterations 100 -WarningAction SilentlyContinue  # warm-up: JIT, kernel SVDs
foreach ($s in $signals) {
    $r = $s | Invoke-NmrMtgv
    $chi = $r | Measure-NmrChi
    [pscustomobject]@{
        Operation  = "MTGV + search, preset $($s.Name), SNR $($s.Snr) (64x64)"
        Seconds    = [math]::Round($r.Seconds, 2)
        Iterations = $r.Iterations
        Betas      = $r.SearchCurve.Points.Count
        Alpha      = [math]::Round($r.Alpha, 1)
        Beta       = [math]::Round($r.Beta, 3)
        Chi2D      = [math]::Round($chi.Chi2D, 3)
        Converged  = $r.Converged
    }
}
