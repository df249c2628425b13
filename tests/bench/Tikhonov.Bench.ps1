# Tikhonov with the full GCV alpha search on the 24 benchmark signals (presets A-H x SNR 20, 200, 2000, seed 1, 64x64).
# Target: under 1 s per signal on the 2-core test machine.
$signals = New-NmrDistribution -Preset A, B, C, D, E, F, G, H | New-NmrSignal -Snr 20, 200, 2000 -Seed 1
$null = $signals[0] | Invoke-NmrTikhonov   # warm-up: JIT and the kernels' SVDs (cached per grid)
$sw = [Diagnostics.Stopwatch]::StartNew()
$results = $signals | Invoke-NmrTikhonov
$sw.Stop()
foreach ($snr in 20, 200, 2000) {
    $r = @($results | Where-Object Snr -eq $snr)
    [pscustomobject]@{
        Operation   = "Tikhonov + GCV search, SNR $snr (64x64)"
        Signals     = $r.Count
        MeanMs      = [math]::Round(($r | Measure-Object Seconds -Average).Average * 1000, 1)
        MaxMs       = [math]::Round(($r | Measure-Object Seconds -Maximum).Maximum * 1000, 1)
        MeanAlphas  = [math]::Round(($r | ForEach-Object { $_.SearchCurve.Points.Count } | Measure-Object -Average).Average, 1)
        MeanKept    = [math]::Round(($r | Measure-Object KeptCoefficients -Average).Average, 0)
    }
}
[pscustomobject]@{
    Operation   = 'Tikhonov + GCV search, all 24 signals (64x64)'
    Signals     = $results.Count
    MeanMs      = [math]::Round($sw.Elapsed.TotalMilliseconds / $results.Count, 1)
    MaxMs       = [math]::Round(($results | Measure-Object Seconds -Maximum).Maximum * 1000, 1)
    MeanAlphas  = [math]::Round(($results | ForEach-Object { $_.SearchCurve.Points.Count } | Measure-Object -Average).Average, 1)
    MeanKept    = [math]::Round(($results | Measure-Object KeptCoefficients -Average).Average, 0)
}
