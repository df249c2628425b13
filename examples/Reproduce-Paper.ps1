<#
.SYNOPSIS
Reproduces the comparison of Beckmann et al. ("Deep Learning as a Method for Inversion of NMR Signals"): the eight
Table 1 distributions A-H at SNR 20, 200 and 2000, inverted by the U-Net, Tikhonov with GCV and MTGV with its
automatic search, scored with chi (eq. 7) on the 2D map and both projections, and timed.

.DESCRIPTION
Uses only the module's public cmdlets, the way a lab script would. Methods whose cmdlet is not available (or, for the
U-Net, whose shipped model is missing) are reported as skipped. Writes results/benchmark.csv, results/timings.csv and
results/report.md, and prints the tables.

.PARAMETER Quick
A reduced run for smoke tests: presets A and H at SNR 200.

.PARAMETER DataConsistency
Also report the U-Net followed by its data-consistency step (Invoke-NmrUnetInversion -DataConsistency) as a fourth
method, U-Net+DC.

.PARAMETER OutputPath
Folder for the report and tables (default: results/ at the repository root).

.EXAMPLE
dotnet pwsh ./examples/Reproduce-Paper.ps1 -Quick
#>
[CmdletBinding()]
param(
    [switch] $Quick,
    [switch] $DataConsistency,
    [string] $OutputPath = (Join-Path (Split-Path $PSScriptRoot) 'results'),
    [int] $Seed = 1
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path (Split-Path $PSScriptRoot) 'NmrInversion.psd1') -Force
$inv = [cultureinfo]::InvariantCulture

$presets = if ($Quick) { 'A', 'H' } else { 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H' }
$snrs = if ($Quick) { 200 } else { 20, 200, 2000 }
New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null

# The same signals for every method: fixed noise seeds.
$signals = New-NmrDistribution -Preset $presets | New-NmrSignal -Snr $snrs -Seed $Seed
Write-Host "Simulated $($signals.Count) signals (presets $($presets -join ', '); SNR $($snrs -join ', '); seed $Seed)"

$methods = [ordered]@{
    'U-Net'    = 'Invoke-NmrUnetInversion'
    'Tikhonov' = 'Invoke-NmrTikhonov'
    'MTGV'     = 'Invoke-NmrMtgv'
}
$extra = @{}
if ($DataConsistency) {
    $methods.Insert(1, 'U-Net+DC', 'Invoke-NmrUnetInversion')
    $extra['U-Net+DC'] = @{ DataConsistency = $true }
}
$scores = [System.Collections.Generic.List[object]]::new()
$allResults = [System.Collections.Generic.List[object]]::new()
$timings = [System.Collections.Generic.List[object]]::new()
$skipped = [ordered]@{}
$m = 0
foreach ($method in $methods.Keys) {
    $m++
    $cmd = Get-Command $methods[$method] -Module NmrInversion -ErrorAction SilentlyContinue
    if (-not $cmd) { $skipped[$method] = 'cmdlet not available in this build'; continue }
    Write-Progress -Id 1 -Activity 'Reproducing the paper' -Status $method -PercentComplete (100 * ($m - 1) / $methods.Count)
    $parameters = if ($extra.Contains($method)) { $extra[$method] } else { @{} }
    # The network is loaded once per session (and warmed up): that one-time cost is timed apart from the inversions.
    $setup = 0.0
    if ($method -like 'U-Net*') {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        try { $null = $signals[0] | & $cmd -ErrorAction Stop -WarningAction SilentlyContinue }
        catch { $skipped[$method] = $_.Exception.Message; continue }
        $setup = $sw.Elapsed.TotalSeconds
    }
    $sw = [Diagnostics.Stopwatch]::StartNew()
    try {
        $results = @($signals | & $cmd -ErrorAction Stop @parameters)
    }
    catch {
        $skipped[$method] = $_.Exception.Message
        continue
    }
    $sw.Stop()
    $timings.Add([pscustomobject]@{
            Method         = $method
            Signals        = $results.Count
            TotalSeconds   = [math]::Round($sw.Elapsed.TotalSeconds, 3)
            SecondsPerSignal = [math]::Round($sw.Elapsed.TotalSeconds / [math]::Max(1, $results.Count), 4)
            SetupSeconds   = [math]::Round($setup, 3)
        })
    foreach ($r in $results) { $allResults.Add($r) }
    foreach ($chi in $results | Measure-NmrChi) { $scores.Add($chi) }
}
Write-Progress -Id 1 -Activity 'Reproducing the paper' -Completed

if ($timings.Count -eq 0) {
    $signals | Format-Table | Out-String -Width 200 | Write-Host
    foreach ($k in $skipped.Keys) { Write-Warning "$k skipped: $($skipped[$k])" }
    Set-Content -Path (Join-Path $OutputPath 'report.md') -Encoding utf8 -Value "# NmrInversion`n`nNo inversion method was available; $($signals.Count) signals simulated."
    return
}

# Winner of each cell (2D, T1, T2) per preset and SNR.
$table = foreach ($p in $presets) {
    foreach ($snr in $snrs) {
        $cell = $scores | Where-Object { $_.Preset -eq $p -and $_.Snr -eq $snr }
        $row = [ordered]@{ Preset = $p; Snr = $snr }
        foreach ($kind in 'Chi2D', 'ChiT1', 'ChiT2') {
            foreach ($c in $cell) { $row["$($c.Method) $kind"] = [math]::Round($c.$kind, 4) }
            $best = $cell | Sort-Object $kind | Select-Object -First 1
            $row["Best $kind"] = $best.Method
        }
        [pscustomobject]$row
    }
}
$wins = foreach ($method in $timings.Method) {
    [pscustomobject]@{
        Method = $method
        Wins2D = @($table | Where-Object { $_.'Best Chi2D' -eq $method }).Count
        WinsT1 = @($table | Where-Object { $_.'Best ChiT1' -eq $method }).Count
        WinsT2 = @($table | Where-Object { $_.'Best ChiT2' -eq $method }).Count
        Cells  = $table.Count
    }
}

# Numbers are written with the invariant culture, whatever the session's culture is.
$scores | Select-Object Method, Preset, @{ n = 'Snr'; e = { ([double]$_.Snr).ToString('R', $inv) } },
    @{ n = 'Chi2D'; e = { $_.Chi2D.ToString('R', $inv) } }, @{ n = 'ChiT1'; e = { $_.ChiT1.ToString('R', $inv) } }, @{ n = 'ChiT2'; e = { $_.ChiT2.ToString('R', $inv) } } |
    Export-Csv (Join-Path $OutputPath 'benchmark.csv') -NoTypeInformation
$timings | Select-Object Method, Signals, @{ n = 'TotalSeconds'; e = { ([double]$_.TotalSeconds).ToString('R', $inv) } }, @{ n = 'SecondsPerSignal'; e = { ([double]$_.SecondsPerSignal).ToString('R', $inv) } },
    @{ n = 'SetupSeconds'; e = { ([double]$_.SetupSeconds).ToString('R', $inv) } } |
    Export-Csv (Join-Path $OutputPath 'timings.csv') -NoTypeInformation

# Figures: the truths (the paper's Figure 1), truth against every method per preset and SNR, chi bars (Figure 2).
$figures = [System.Collections.Generic.List[string]]::new()
Write-Progress -Id 1 -Activity 'Reproducing the paper' -Status 'Figures' -PercentComplete 95
$truths = $signals | Where-Object Snr -eq $snrs[0] | ForEach-Object Truth
$figures.Add((Export-NmrPlot -InputObject $truths -Path (Join-Path $OutputPath 'figure1-truths.png') -Kind Grid -Title 'Table 1 distributions' -Width 1600 -Height 800 -Force).Name)
foreach ($snr in $snrs) {
    foreach ($p in $presets) {
        $cell = @($allResults | Where-Object { $_.Name -eq $p -and $_.Snr -eq $snr })
        if ($cell.Count -eq 0) { continue }
        $file = Join-Path $OutputPath ('compare-{0}-snr{1}.png' -f $p, $snr)
        $figures.Add((Export-NmrPlot -InputObject $cell -Path $file -Kind Comparison -Title "Preset $p, SNR $snr" -Width 1600 -Height 500 -Force).Name)
    }
    foreach ($kind in '2D', 'T1', 'T2') {
        $file = Join-Path $OutputPath ('figure2-chi{0}-snr{1}.png' -f $kind, $snr)
        $figures.Add((Export-NmrPlot -InputObject $scores -Path $file -Kind Chi -Snr $snr -ChiOf $kind -Title "chi ($kind), SNR $snr" -Force).Name)
    }
}
Write-Progress -Id 1 -Activity 'Reproducing the paper' -Completed

$fastest = $timings | Sort-Object SecondsPerSignal | Select-Object -First 1
$md = [System.Text.StringBuilder]::new()
[void]$md.AppendLine('# NmrInversion: reproduction of the paper''s comparison')
[void]$md.AppendLine()
[void]$md.AppendLine("Presets $($presets -join ', '); SNR $($snrs -join ', '); noise seed $Seed; $([Environment]::ProcessorCount) cores; $(Get-Date -Format 'yyyy-MM-dd HH:mm')")
[void]$md.AppendLine()
[void]$md.AppendLine('## chi per case (lower is better; eq. 7 of the paper)')
[void]$md.AppendLine()
$cols = @('Preset', 'Snr') + @($table[0].PSObject.Properties.Name | Where-Object { $_ -notin 'Preset', 'Snr' })
[void]$md.AppendLine('| ' + ($cols -join ' | ') + ' |')
[void]$md.AppendLine('|' + (($cols | ForEach-Object { '---' }) -join '|') + '|')
foreach ($r in $table) { [void]$md.AppendLine('| ' + (($cols | ForEach-Object { [string]::Format($inv, '{0}', $r.$_) }) -join ' | ') + ' |') }
[void]$md.AppendLine()
[void]$md.AppendLine('## Cells won')
[void]$md.AppendLine()
[void]$md.AppendLine('| Method | 2D | T1 | T2 | of |')
[void]$md.AppendLine('|---|---|---|---|---|')
foreach ($w in $wins) { [void]$md.AppendLine("| $($w.Method) | $($w.Wins2D) | $($w.WinsT1) | $($w.WinsT2) | $($w.Cells) |") }
[void]$md.AppendLine()
[void]$md.AppendLine('## Time')
[void]$md.AppendLine()
[void]$md.AppendLine('Setup: loading the network and its first call, once per session, timed apart from the inversions.')
[void]$md.AppendLine()
[void]$md.AppendLine('| Method | Signals | Total s | s per signal | x slower than fastest | setup s |')
[void]$md.AppendLine('|---|---|---|---|---|---|')
foreach ($t in $timings) {
    $ratio = if ($fastest.SecondsPerSignal -gt 0) { [math]::Round($t.SecondsPerSignal / $fastest.SecondsPerSignal, 1) } else { 'n/a' }
    [void]$md.AppendLine([string]::Format($inv, '| {0} | {1} | {2} | {3} | {4} | {5} |', $t.Method, $t.Signals, $t.TotalSeconds, $t.SecondsPerSignal, $ratio, $t.SetupSeconds))
}
[void]$md.AppendLine()
[void]$md.AppendLine('## Figures')
[void]$md.AppendLine()
foreach ($f in $figures) { [void]$md.AppendLine("![$f]($f)") }
if ($skipped.Count) {
    [void]$md.AppendLine()
    [void]$md.AppendLine('## Skipped')
    [void]$md.AppendLine()
    foreach ($k in $skipped.Keys) { [void]$md.AppendLine("- $k`: $($skipped[$k])") }
}
Set-Content -Path (Join-Path $OutputPath 'report.md') -Value $md.ToString() -Encoding utf8

$table | Format-Table -AutoSize | Out-String -Width 250 | Write-Host
$wins | Format-Table -AutoSize | Out-String | Write-Host
$timings | Format-Table -AutoSize | Out-String | Write-Host
foreach ($k in $skipped.Keys) { Write-Warning "$k skipped: $($skipped[$k])" }
Write-Host "Report: $(Join-Path $OutputPath 'report.md')"
