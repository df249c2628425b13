# Memory over 10,000 inversions in one session: managed heap (after full collections) and resident set, measured after
# a warm-up of 200 and then every 2,500. Flat columns mean no leak. Cheap configurations: Tikhonov (GCV search) and MTGV
# (fixed alpha and beta) on a 32-point T2 decay, and the U-Net with a tiny model (16 x 16 grid, 4 base channels, depth 2) trained here in seconds.
param([int] $Count = 10000, [string] $Only = '*')
$t2 = New-NmrDistribution -Component @(, @(-1.3, 0.3, 0, 1, 1)) -Experiment T2 -Points 32 |
    New-NmrSignal -Snr 200 -Seed 1 -AcquisitionAxis1 ([NmrInversion.Engine.Grids.Axis]::LogSpace(1e-3, 3, 32))
$runDir = Join-Path ([IO.Path]::GetTempPath()) ("nmr-leaks-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
$run = Start-NmrTraining $runDir -GridSize 16 -BaseChannels 4 -Depth 2 -BatchSize 16 -Samples 32 -ValidationInterval 2 -ValidationSize 16 -TestSize 16 -Name tiny -Seed 5
$g = $run.Card.Grid
$s16 = New-NmrDistribution -Preset A -Axis1 $g.Relaxation1.Values -Axis2 $g.Relaxation2.Values |
    New-NmrSignal -Snr 100 -Seed 1 -AcquisitionAxis1 $g.Acquisition1.Values -AcquisitionAxis2 $g.Acquisition2.Values
$proc = [Diagnostics.Process]::GetCurrentProcess()
function Get-Memory {
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $proc.Refresh()
    [pscustomobject]@{ HeapMB = [GC]::GetTotalMemory($true) / 1MB; RssMB = $proc.WorkingSet64 / 1MB }
}
$cases = @(
    @{ Name = 'Tikhonov (T2, 32 points, GCV)'; Invert = { $null = $t2 | Invoke-NmrTikhonov } }
    @{ Name = 'U-Net (tiny model, 16x16)'; Invert = { $null = $s16 | Invoke-NmrUnetInversion -ModelPath $run.ModelPath -WarningAction SilentlyContinue } }
    # MTGV with fixed alpha and beta (6 ms each; with its search 130 ms, 10,000 would take 20 minutes): the solver's allocations.
    @{ Name = 'MTGV (T2, 32 points, alpha 1000, beta 0.1)'; Invert = { $null = $t2 | Invoke-NmrMtgv -Alpha 1000 -Beta 0.1 -WarningAction SilentlyContinue } }
) | Where-Object { $_.Name -like $Only }
try {
    foreach ($case in $cases) {
        for ($k = 0; $k -lt 200; $k++) { & $case.Invert }
        $start = Get-Memory
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $marks = @()
        for ($k = 1; $k -le $Count; $k++) {
            & $case.Invert
            if ($k % [math]::Max(1, [int]($Count / 4)) -eq 0) { $marks += Get-Memory }
        }
        $end = $marks[-1]
        [pscustomobject]@{
            Operation    = $case.Name
            Inversions   = $Count
            MsEach       = [math]::Round($clock.Elapsed.TotalMilliseconds / $Count, 2)
            HeapStartMB  = [math]::Round($start.HeapMB, 1)
            HeapMarksMB  = ($marks | ForEach-Object { [math]::Round($_.HeapMB, 1) }) -join ' '
            HeapGrowthMB = [math]::Round($end.HeapMB - $start.HeapMB, 2)
            RssStartMB   = [math]::Round($start.RssMB, 1)
            RssMarksMB   = ($marks | ForEach-Object { [math]::Round($_.RssMB, 1) }) -join ' '
            RssGrowthMB  = [math]::Round($end.RssMB - $start.RssMB, 1)
        }
    }
}
finally { Remove-Item $runDir -Recurse -Force -ErrorAction SilentlyContinue }
