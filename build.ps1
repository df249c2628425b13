#Requires -Version 7.4
<#
.SYNOPSIS
Builds, tests, benchmarks, demonstrates and packages the NmrInversion module.

.DESCRIPTION
Tasks:
  Build    publish the cmdlet and engine assemblies with libtorch below module/bin (RID-specific, framework-dependent)
           and, on Linux, patch libLibTorchSharp.so's GLIBCXX_3.4.32 requirement when the system libstdc++ lacks it.
  Test     Build, then run the xunit engine tests and the Pester cmdlet tests; ends with "Tests: N passed, N failed".
  Bench    Build, then time the methods (tests/bench/Bench.ps1).
  Demo     Build, then run examples/Reproduce-Paper.ps1 (the main job).
  Package  Build, then write one installable package per runtime (-Runtime; default linux-x64 and win-x64):
           artifacts/<rid>/NmrInversion/<version>/ (a module folder to copy into $env:PSModulePath) and
           artifacts/packages/<rid>/NmrInversion.<version>.nupkg (for Publish-PSResource / Install-PSResource), each
           with that platform's libtorch, README.md, LICENSE and the help. The host's runtime uses module/bin; the
           others are published with -r <rid> (CPU backend) to artifacts/publish/<rid>.
  Clean    remove build outputs.

.EXAMPLE
dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Bench', 'Demo', 'Package', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    [ValidateSet('cpu', 'cuda-windows', 'cuda-linux')]
    [string] $Backend = $(if ($IsWindows) { 'cuda-windows' } else { 'cpu' }),

    # Extra arguments for the demo script (for example -Quick).
    [switch] $Quick,

    # Runtimes to package (-Task Package and Test): one package each, with that platform's native libraries.
    [ValidateSet('linux-x64', 'win-x64')]
    [string[]] $Runtime = @('linux-x64', 'win-x64')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$moduleBin = Join-Path $root 'module/bin'
$artifacts = Join-Path $root 'artifacts'
$rid = if ($IsWindows) { 'win-x64' } elseif ($IsMacOS) { 'osx-arm64' } else { 'linux-x64' }
$manifest = Import-PowerShellDataFile (Join-Path $root 'NmrInversion.psd1')
$version = $manifest.ModuleVersion
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

Import-Module (Join-Path $root 'build/ElfVersionNeed.psm1') -Force

function Invoke-Dotnet {
    # A simple function (not advanced): dotnet's own switches such as -o must not bind to common parameters.
    $Arguments = [string[]]$args
    Write-Host "dotnet $($Arguments -join ' ')" -ForegroundColor DarkGray
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE" }
}

function Repair-TorchNative([string] $Directory) {
    # libtorch's loader wrapper needs GLIBCXX_3.4.32 for one symbol that is never relocated (see build/ElfVersionNeed.psm1).
    if (-not $IsLinux) { return }
    $lib = Join-Path $Directory 'libLibTorchSharp.so'
    if (-not (Test-Path $lib)) { return }
    foreach ($fix in Repair-ElfVersionNeed -Path $lib) {
        Write-Host "Patched $($fix.Path): version need $($fix.From) -> $($fix.To)" -ForegroundColor DarkGray
    }
}

function Invoke-Build {
    Invoke-Dotnet publish (Join-Path $root 'src/NmrInversion/NmrInversion.csproj') -c $Configuration -r $rid --self-contained false `
        "-p:NmrBackend=$Backend" -o $moduleBin --nologo -v quiet
    Repair-TorchNative $moduleBin
    & (Join-Path $root 'build/Build-Help.ps1') -Root $root -OutputPath (Join-Path $root 'en-US')
    Write-Host "Built NmrInversion $version ($Backend, $rid) in $moduleBin" -ForegroundColor Green
}

function Get-PesterModulePath {
    Invoke-Dotnet restore (Join-Path $root 'build/Tools.csproj') --nologo -v quiet
    $cache = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $path = Join-Path $cache.Trim() 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $path)) { throw "Pester 5.7.1 was not restored to $path" }
    return $path
}

function Invoke-Test {
    Invoke-Package   # builds, and writes the package the installation test uses
    $results = Join-Path $root 'artifacts/test-results'
    Remove-Item $results -Recurse -Force -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Path $results -Force | Out-Null

    # xunit: build RID-specific so libtorch sits beside TorchSharp.dll, patch it, then run without rebuilding.
    $testProject = Join-Path $root 'tests/NmrInversion.Engine.Tests/NmrInversion.Engine.Tests.csproj'
    Invoke-Dotnet build $testProject -c $Configuration -r $rid --self-contained false "-p:NmrBackend=$Backend" --nologo -v quiet
    Repair-TorchNative (Join-Path $root "tests/NmrInversion.Engine.Tests/bin/$Configuration/net10.0/$rid")
    & dotnet test $testProject -c $Configuration -r $rid --no-build --nologo `
        --logger "trx;LogFileName=xunit.trx" --logger "console;verbosity=minimal" --results-directory $results
    $trx = [xml](Get-Content (Join-Path $results 'xunit.trx') -Raw)
    $counters = $trx.TestRun.ResultSummary.Counters
    $xPassed = [int]$counters.passed
    $xFailed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    if ([int]$counters.total -eq 0) { $xFailed++ }
    Write-Host "xunit: $xPassed passed, $xFailed failed"

    # Pester: in a child pwsh, so the module's assemblies load into a fresh process.
    $pester = Get-PesterModulePath
    $summary = Join-Path $results 'pester-summary.json'
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests/Invoke-PesterSuite.ps1') -PesterPath $pester -SummaryPath $summary
    $pPassed = 0; $pFailed = 1
    if (Test-Path $summary) {
        $s = Get-Content $summary -Raw | ConvertFrom-Json
        $pPassed = [int]$s.Passed; $pFailed = [int]$s.Failed
    }
    else { Write-Warning 'Pester did not write its summary; counting the suite as one failure.' }
    Write-Host "Pester: $pPassed passed, $pFailed failed"

    $passed = $xPassed + $pPassed
    $failed = $xFailed + $pFailed
    Write-Host "Tests: $passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Bench {
    Invoke-Build
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests/bench/Bench.ps1')
    if ($LASTEXITCODE -ne 0) { throw 'Benchmark failed' }
}

function Invoke-Demo {
    Invoke-Build
    $demoArgs = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'examples/Reproduce-Paper.ps1'))
    if ($Quick) { $demoArgs += '-Quick' }
    & dotnet pwsh @demoArgs
    if ($LASTEXITCODE -ne 0) { throw 'Demo failed' }
}

function Invoke-Package {
    Invoke-Build
    foreach ($r in $Runtime) { New-RuntimePackage $r }
}

function New-RuntimePackage([string] $TargetRid) {
    # The host's runtime is the build in module/bin; another is published on its own (the CPU backend: the one that
    # NuGet serves for every platform), into a folder of its own so that module/bin stays the host's.
    $bin = $moduleBin
    if ($TargetRid -ne $rid) {
        $bin = Join-Path $artifacts "publish/$TargetRid/bin"
        Remove-Item $bin -Recurse -Force -ErrorAction SilentlyContinue
        Invoke-Dotnet publish (Join-Path $root 'src/NmrInversion/NmrInversion.csproj') -c $Configuration -r $TargetRid --self-contained false `
            '-p:NmrBackend=cpu' -o $bin --nologo -v quiet
    }
    $target = Join-Path $artifacts "$TargetRid/NmrInversion/$version"
    Remove-Item $target -Recurse -Force -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Path $target -Force | Out-Null
    Copy-Item (Join-Path $root 'NmrInversion.psd1'), (Join-Path $root 'README.md'), (Join-Path $root 'LICENSE') $target
    New-Item -ItemType Directory -Path (Join-Path $target 'module') -Force | Out-Null
    Get-ChildItem (Join-Path $root 'module') -Exclude 'bin' | Copy-Item -Destination (Join-Path $target 'module') -Recurse
    Copy-Item $bin (Join-Path $target 'module/bin') -Recurse
    Copy-Item (Join-Path $root 'en-US') $target -Recurse
    Copy-Item (Join-Path $root 'pretrained') $target -Recurse
    # libtorch ships test, Python and mobile backends that nothing here loads (ldd of libLibTorchSharp.so needs
    # libtorch, libc10, libtorch_cpu and libgomp); leave them out of the package.
    $unused = 'libtorch_python.*', 'libtorchbind_test.*', 'libjitbackend_test.*', 'libbackend_with_compiler.*', 'libnnapi_backend.*', 'libaoti_custom_ops.*', '*.pdb', '*.xml'
    Get-ChildItem (Join-Path $target 'module/bin') -File -Include $unused -Recurse | Remove-Item -Force
    Write-Host "Module folder ($TargetRid): $target (copy its parent NmrInversion/ into a folder on `$env:PSModulePath)" -ForegroundColor Green

    $packages = Join-Path $artifacts "packages/$TargetRid"
    New-Item -ItemType Directory -Path $packages -Force | Out-Null
    Remove-Item (Join-Path $packages "NmrInversion.$version.nupkg") -ErrorAction SilentlyContinue
    Compress-PSResource -Path $target -DestinationPath $packages
    $nupkg = Join-Path $packages "NmrInversion.$version.nupkg"
    if (-not (Test-Path $nupkg)) { throw "Compress-PSResource did not write $nupkg" }
    Write-Host "Package ($TargetRid): $nupkg ($([math]::Round((Get-Item $nupkg).Length / 1MB)) MB)" -ForegroundColor Green
}

function Invoke-Clean {
    foreach ($p in @($moduleBin, $artifacts, (Join-Path $root 'results'))) { Remove-Item $p -Recurse -Force -ErrorAction SilentlyContinue }
    Get-ChildItem (Join-Path $root 'src'), (Join-Path $root 'tests') -Directory -Recurse -Include bin, obj | Remove-Item -Recurse -Force
}

foreach ($t in $Task) {
    switch ($t) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Bench' { Invoke-Bench }
        'Demo' { Invoke-Demo }
        'Package' { Invoke-Package }
        'Clean' { Invoke-Clean }
    }
}
