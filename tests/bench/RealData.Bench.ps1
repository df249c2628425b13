# Seconds per method on the real instrument files of tests/data/nmrinversions-jl (long linear echo trains), with the
# misfit and the grid used. One object per file and method.
if (-not (Get-Command Invoke-NmrTikhonov -ErrorAction SilentlyContinue)) { Import-Module "$PSScriptRoot/../../NmrInversion.psd1" }
$real = Join-Path $PSScriptRoot '../data/nmrinversions-jl'
function Set-RelaxationGrid($s, $r1, $r2) {
    [NmrInversion.Engine.Signals.Signal2D]::new($s.Values, $s.Axis1, $s.Axis2, $s.Kernels, $r1, $r2, $s.NoiseSigma, $null, $null, $s.Name, $null, $s.Provenance)
}
$ax = { param($n, $a, $b) [NmrInversion.Engine.Grids.RelaxationAxis]::LogSpaced($n, $a, $b, 64) }
$none = [NmrInversion.Engine.Grids.RelaxationAxis]::Single()
$cases = @(
    @{ File = 'spinsolve_txt/IRCPMG'; A = @{}; R1 = (& $ax T1 1e-4 10); R2 = (& $ax T2 1e-5 1) }
    @{ File = 'spinsolve_txt/PFGCPMG'; A = @{}; R1 = (& $ax D 1e-11 1e-7); R2 = (& $ax T2 1e-4 10) }
    @{ File = 'bruker/minispec/cpmg.dps'; A = @{}; R1 = (& $ax T2 1e-4 10); R2 = $none }
    @{ File = 'geospec_txt/CPMG_bunter.txt'; A = @{}; R1 = (& $ax T2 1e-4 10); R2 = $none }
    @{ File = 'geospec_txt/IR_bunter.txt'; A = @{}; R1 = (& $ax T1 1e-5 10); R2 = $none }
    @{ File = 'csv/PFG_water.csv'; A = @{ Experiment = 'D'; BUnit = 'ms/um2' }; R1 = (& $ax D 1e-11 1e-7); R2 = $none }
    @{ File = 'tecmag_tnt/CPMG_silicon_oil.tnt'; A = @{}; R1 = (& $ax T2 1e-4 10); R2 = $none }
    @{ File = 'tecmag_tnt/IR_silicon_oil.tnt'; A = @{ EstimateInversionEfficiency = $true }; R1 = (& $ax T1 1e-5 10); R2 = $none }
)
foreach ($c in $cases) {
    $a = $c.A
    $s = Set-RelaxationGrid (Import-NmrSignal (Join-Path $real $c.File) @a) $c.R1 $c.R2
    foreach ($method in 'Tikhonov', 'Mtgv') {
        $r = if ($method -eq 'Tikhonov') { Invoke-NmrTikhonov $s -WarningAction SilentlyContinue } else { Invoke-NmrMtgv $s -WarningAction SilentlyContinue }
        [pscustomobject]@{ Bench = 'RealData'; File = $c.File; Size = $s.Size; Grid = "$($c.R1.Count)x$($c.R2.Count)"; Method = $r.Method; Misfit = [math]::Round($r.Misfit, 3); Seconds = [math]::Round($r.Seconds, 2) }
    }
}
