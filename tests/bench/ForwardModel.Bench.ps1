# Forward model: simulating the 24 benchmark signals (A-H x SNR 20/200/2000) on the paper grid.
$sw = [Diagnostics.Stopwatch]::StartNew()
$signals = New-NmrDistribution -Preset A, B, C, D, E, F, G, H | New-NmrSignal -Snr 20, 200, 2000 -Seed 1
$sw.Stop()
[pscustomobject]@{ Operation = 'Simulate 24 signals (64x64)'; Signals = $signals.Count; TotalMs = [math]::Round($sw.Elapsed.TotalMilliseconds, 1); MsPerSignal = [math]::Round($sw.Elapsed.TotalMilliseconds / $signals.Count, 2) }
