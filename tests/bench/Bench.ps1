<#
.SYNOPSIS
Benchmarks of the module (build.ps1 -Task Bench): runs every tests/bench/*.Bench.ps1 in this process with the
module imported and prints their tables. Speed targets live here, not in the tests.
#>
$ErrorActionPreference = 'Stop'
$root = Split-Path (Split-Path $PSScriptRoot)
Import-Module (Join-Path $root 'NmrInversion.psd1') -Force
$device = Get-NmrDevice
"Machine: $([Environment]::ProcessorCount) cores, libtorch $($device.TorchVersion), $($device.Threads) torch threads, $([System.Runtime.InteropServices.RuntimeInformation]::OSDescription)"
foreach ($bench in Get-ChildItem $PSScriptRoot -Filter '*.Bench.ps1' | Sort-Object Name) {
    "`n== $($bench.BaseName) =="
    & $bench.FullName | Format-Table -AutoSize | Out-String -Width 200
}
