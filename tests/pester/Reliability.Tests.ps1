# Unattended use: hard signals never give NaN or negative maps, many inversions do not grow the process, parallel runs
# equal sequential ones, and Ctrl+C (PowerShell.Stop) ends every long cmdlet promptly with files complete or absent.
BeforeAll {
    $script:modulePath = (Resolve-Path "$PSScriptRoot/../../NmrInversion.psd1").Path
    Import-Module $script:modulePath -Force

    $script:t2Axis = [NmrInversion.Engine.Grids.Axis]::LogSpace(1e-3, 3, 32)
    $script:d1 = New-NmrDistribution -Component @(, @(-1.3, 0.3, 0, 1, 1)) -Experiment T2 -Points 32
    $script:s1 = $script:d1 | New-NmrSignal -Snr 200 -Seed 1 -AcquisitionAxis1 $script:t2Axis
    # The same signal with its values (and noise level) multiplied by $Factor, or replaced by $Values.
    function New-Variant([double] $Factor = 1, [double[,]] $Values, [string] $Name) {
        $s = $script:s1
        $v = [double[,]]::new($s.Axis1.Count, 1)
        for ($i = 0; $i -lt $s.Axis1.Count; $i++) { $v[$i, 0] = if ($Values) { $Values[$i, 0] } else { $s.Values[$i, 0] * $Factor } }
        $sigma = if ($Values) { $null } else { $s.NoiseSigma * $Factor }
        [NmrInversion.Engine.Signals.Signal2D]::new($v, $s.Axis1, $s.Axis2, $s.Kernels, $s.RelaxationAxis1, $s.RelaxationAxis2, $sigma, $null, $null, $Name, $null, $null)
    }
    function Assert-Map($Result) {
        $Result.Distribution.Values | ForEach-Object { [double]::IsFinite($_) -and $_ -ge 0 } | Should -Not -Contain $false
        [math]::Abs($Result.Distribution.Sum - 1) | Should -BeLessThan 1e-9
    }
    # Starts $Script in a new runspace with the module loaded, waits $WaitMs (or until $Ready returns true), calls
    # Stop() and returns the seconds Stop() took, the state and whatever the script wrote before it stopped.
    function Measure-Stop([scriptblock] $Script, [int] $WaitMs, [hashtable] $Arguments = @{}, [scriptblock] $Ready) {
        # The module is imported by the runspace's initial state, so the script runs as one statement: Stop() on a
        # multi-statement batch races with PowerShell's batch work item, which can touch the runspace after Dispose
        # and take the whole process down.
        $iss = [initialsessionstate]::CreateDefault2()
        $iss.ImportPSModule($script:modulePath)
        $ps = [powershell]::Create($iss)
        try {
            $null = $ps.AddScript($Script.ToString())
            foreach ($k in $Arguments.Keys) { $null = $ps.AddParameter($k, $Arguments[$k]) }
            $handle = $ps.BeginInvoke()
            if ($Ready) {
                # wait (at most a minute, for loaded machines) until the work has really begun, then a little longer
                $deadline = [DateTime]::UtcNow.AddMinutes(1)
                while (-not (& $Ready) -and -not $handle.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            }
            Start-Sleep -Milliseconds $WaitMs
            $running = -not $handle.IsCompleted
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Stop()
            [void]$handle.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(30))   # let the invocation wind down before Dispose
            [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; WasRunning = $running; State = "$($ps.InvocationStateInfo.State)"; Errors = ((@($ps.Streams.Error) + @($ps.InvocationStateInfo.Reason | Where-Object { $_ })) -join '; ') }
        }
        finally { $ps.Dispose() }
    }
}

Describe 'Numerical robustness' {
    It 'Tikhonov and MTGV give finite, non-negative unit-sum maps for <Name>' -ForEach @(
        @{ Name = 'a constant signal'; Make = { $a = [double[,]]::new(32, 1); for ($i = 0; $i -lt 32; $i++) { $a[$i, 0] = 1.0 }; New-Variant -Values $a -Name const } }
        @{ Name = 'SNR 5'; Make = { $d1 | New-NmrSignal -Snr 5 -Seed 2 -AcquisitionAxis1 $t2Axis } }
        @{ Name = 'SNR 1e6'; Make = { $d1 | New-NmrSignal -Snr 1e6 -Seed 2 -AcquisitionAxis1 $t2Axis } }
        @{ Name = 'values near 1e300'; Make = { New-Variant -Factor 1e300 -Name huge } }
        @{ Name = 'values near 1e-300'; Make = { New-Variant -Factor 1e-300 -Name tiny } }
    ) {
        $signal = & $Make
        foreach ($method in 'Invoke-NmrTikhonov', 'Invoke-NmrMtgv') {
            $r = $signal | & $method -WarningVariable warned -WarningAction SilentlyContinue
            Assert-Map $r
            [double]::IsNaN($r.ResidualNorm) | Should -BeFalse
            # A solve that stops short of its tolerance says so, in the result and as a warning.
            if (-not $r.Converged) { "$warned" | Should -Match 'tolerance|iteration limit' }
            # A result that does not explain its data (misfit above 1.5) says so too, with a stable id on the result.
            if ($r.Misfit -gt 1.5) { "$warned" | Should -Match '\[HighMisfit\]'; $r.HasWarning('HighMisfit') | Should -BeTrue }
            else { "$warned" | Should -Not -Match '\[HighMisfit\]' }
        }
    }

    It 'gives the same map and misfit for a signal scaled by 1e300 or 1e-300 as for the original' {
        foreach ($method in 'Invoke-NmrTikhonov', 'Invoke-NmrMtgv') {
            $base = $s1 | & $method
            foreach ($factor in 1e300, 1e-300) {
                $r = New-Variant -Factor $factor -Name scaled | & $method
                $r.Misfit | Should -BeGreaterThan (0.999 * $base.Misfit)
                $r.Misfit | Should -BeLessThan (1.001 * $base.Misfit)
                $r.ResidualNorm / $factor | Should -BeGreaterThan (0.999 * $base.ResidualNorm)
                $worst = 0.0
                for ($i = 0; $i -lt 32; $i++) { $worst = [math]::Max($worst, [math]::Abs($r.Distribution.Values[$i, 0] - $base.Distribution.Values[$i, 0])) }
                $worst | Should -BeLessThan 1e-6 -Because "$method at x$factor"
            }
        }
    }

    It 'reports a solve stopped at its iteration limit: Converged false and a warning (MTGV, 10 iterations)' {
        $r = $s1 | Invoke-NmrMtgv -Alpha 10 -Beta 1 -MaxIterations 10 -WarningVariable warned -WarningAction SilentlyContinue
        $r.Converged | Should -BeFalse
        @($warned).Count | Should -BeGreaterThan 0
        Assert-Map $r
    }
}

Describe 'No leaks' {
    It 'keeps managed heap and resident memory flat over 1,000 Tikhonov inversions' {
        $signal = $s1
        1..100 | ForEach-Object { $null = $signal | Invoke-NmrTikhonov }   # warm-up: caches, JIT
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $proc = [Diagnostics.Process]::GetCurrentProcess()
        $heap0 = [GC]::GetTotalMemory($true); $proc.Refresh(); $rss0 = $proc.WorkingSet64
        for ($k = 0; $k -lt 1000; $k++) { $null = $signal | Invoke-NmrTikhonov }
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $heap1 = [GC]::GetTotalMemory($true); $proc.Refresh(); $rss1 = $proc.WorkingSet64
        Write-Host ("    1,000 Tikhonov: heap {0:F1} -> {1:F1} MB, RSS {2:F1} -> {3:F1} MB" -f ($heap0 / 1MB), ($heap1 / 1MB), ($rss0 / 1MB), ($rss1 / 1MB))
        ($heap1 - $heap0) | Should -BeLessThan 2MB
        ($rss1 - $rss0) | Should -BeLessThan 40MB
    }
}

Describe 'Parallel use' {
    BeforeAll {
        $script:runDir = Join-Path $TestDrive 'tiny'
        $script:run = Start-NmrTraining $script:runDir -GridSize 16 -BaseChannels 4 -Depth 2 -BatchSize 16 -Samples 32 `
            -ValidationInterval 2 -ValidationSize 16 -TestSize 16 -Name tiny -Seed 5
        $g = $script:run.Card.Grid
        $d = New-NmrDistribution -Random -Count 200 -Seed 11 -Axis1 $g.Relaxation1.Values -Axis2 $g.Relaxation2.Values
        $script:signals = $d | New-NmrSignal -Snr 100 -Seed 3 -AcquisitionAxis1 $g.Acquisition1.Values -AcquisitionAxis2 $g.Acquisition2.Values
    }

    It 'gives 200 U-Net and Tikhonov results identical to the sequential run, loading the model once' {
        # A fresh copy of the model, so that the parallel run is the first to load it in this process.
        $model = Join-Path $TestDrive 'copy/tiny.pt'
        New-Item -ItemType Directory (Split-Path $model) -Force | Out-Null
        Copy-Item $run.ModelPath $model; Copy-Item ($run.ModelPath -replace '\.pt$', '.json') ($model -replace '\.pt$', '.json')
        $loads = [NmrInversion.Engine.Network.ModelCache]::LoadCount
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Signals, $Model, $ModulePath)
                    $Signals | ForEach-Object -ThrottleLimit 4 -Parallel {
                        Import-Module $using:ModulePath
                        $u = $_ | Invoke-NmrUnetInversion -ModelPath $using:Model -WarningAction SilentlyContinue
                        $t = $_ | Invoke-NmrTikhonov -WarningAction SilentlyContinue
                        [pscustomobject]@{ Name = $_.Name; Seed = $_.Seed; Unet = $u.Distribution.Values; Tikhonov = $t.Distribution.Values; Alpha = $t.Alpha }
                    }
                }).AddArgument($signals).AddArgument($model).AddArgument($modulePath)
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $handle = $ps.BeginInvoke()
            $handle.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(240)) | Should -BeTrue -Because 'the parallel run must not deadlock'
            $parallel = @($ps.EndInvoke($handle))
            $parallelSeconds = $clock.Elapsed.TotalSeconds
        }
        finally { $ps.Dispose() }
        [NmrInversion.Engine.Network.ModelCache]::LoadCount - $loads | Should -Be 1

        $clock = [Diagnostics.Stopwatch]::StartNew()
        # One signal per call, as in the parallel run: libtorch's float32 kernels round differently for other batch sizes.
        $unet = @($signals | ForEach-Object { $_ | Invoke-NmrUnetInversion -ModelPath $model -WarningAction SilentlyContinue })
        $tik = @($signals | Invoke-NmrTikhonov -WarningAction SilentlyContinue)
        $sequentialSeconds = $clock.Elapsed.TotalSeconds
        Write-Host ("    200 signals (U-Net + Tikhonov): sequential {0:F1} s, ForEach-Object -Parallel -ThrottleLimit 4 {1:F1} s" -f $sequentialSeconds, $parallelSeconds)
        [NmrInversion.Engine.Network.ModelCache]::LoadCount - $loads | Should -Be 1

        $parallel.Count | Should -Be 200
        $byName = @{}; foreach ($p in $parallel) { $byName["$($p.Name)/$($p.Seed)"] = $p }
        $byName.Count | Should -Be 200
        $differences = 0
        for ($k = 0; $k -lt 200; $k++) {
            $p = $byName["$($signals[$k].Name)/$($signals[$k].Seed)"]
            if ($p.Alpha -ne $tik[$k].Alpha) { $differences++ }
            foreach ($pair in @(@($p.Unet, $unet[$k].Distribution.Values), @($p.Tikhonov, $tik[$k].Distribution.Values))) {
                $a = $pair[0]; $b = $pair[1]
                for ($i = 0; $i -lt 16; $i++) { for ($j = 0; $j -lt 16; $j++) { if ($a[$i, $j] -ne $b[$i, $j]) { $differences++ } } }
            }
        }
        $differences | Should -Be 0
    }
}

Describe 'Interruption (PowerShell.Stop from another thread)' {
    BeforeAll {
        $script:stopDir = Join-Path $TestDrive 'stop'
        New-Item -ItemType Directory $script:stopDir | Out-Null
        $script:latencies = [ordered]@{}
    }
    AfterAll {
        Write-Host ('    stop latencies (s): ' + (($script:latencies.GetEnumerator() | ForEach-Object { '{0} {1:F3}' -f $_.Key, $_.Value }) -join ', '))
    }

    It 'stops a Tikhonov search' {
        $r = Measure-Stop { New-NmrDistribution -Preset D | New-NmrSignal -Snr 300 -Seed 1 | Invoke-NmrTikhonov -AlphaCount 1000 } -WaitMs 1500
        $script:latencies['Tikhonov'] = $r.Seconds
        $r.WasRunning | Should -BeTrue
        $r.State | Should -Be 'Stopped'
        $r.Seconds | Should -BeLessThan 1
    }

    It 'stops an MTGV search' {
        $r = Measure-Stop { New-NmrDistribution -Preset H | New-NmrSignal -Snr 200 -Seed 1 | Invoke-NmrMtgv } -WaitMs 1500
        $script:latencies['MTGV'] = $r.Seconds
        $r.WasRunning | Should -BeTrue
        $r.State | Should -Be 'Stopped'
        $r.Seconds | Should -BeLessThan 1
    }

    It 'stops a batch inversion' {
        $r = Measure-Stop { param($Signal) 1..100000 | ForEach-Object { $Signal } | Invoke-NmrTikhonov } -WaitMs 1500 -Arguments @{ Signal = $s1 }
        $script:latencies['batch Tikhonov'] = $r.Seconds
        $r.WasRunning | Should -BeTrue
        $r.State | Should -Be 'Stopped'
        $r.Seconds | Should -BeLessThan 1
    }

    It 'stops a run of exports and leaves every file complete or absent' {
        $big = New-NmrDistribution -Preset B | New-NmrSignal -Snr 100 -Seed 1
        $r = Measure-Stop { param($Signal, $Dir) for ($k = 0; ; $k++) { Export-NmrSignal (Join-Path $Dir "s$k.json") -Signal $Signal; Export-NmrDistribution (Join-Path $Dir "d$k.csv") -Distribution $Signal.Truth; Export-NmrPlot (Join-Path $Dir "p$k.png") -InputObject $Signal.Truth } } `
            -WaitMs 2000 -Arguments @{ Signal = $big; Dir = $stopDir }
        $script:latencies['exports'] = $r.Seconds
        $r.State | Should -Be 'Stopped'
        $r.Seconds | Should -BeLessThan 1
        @(Get-ChildItem $stopDir -Force -Filter '*.tmp').Count | Should -Be 0
        $json = @(Get-ChildItem $stopDir -Filter 's*.json')
        $json.Count | Should -BeGreaterThan 0
        foreach ($f in $json) { (Import-NmrSignal $f.FullName).Values[3, 7] | Should -Be $big.Values[3, 7] }
        foreach ($f in Get-ChildItem $stopDir -Filter 'p*.png') { $f.Length | Should -BeGreaterThan 1000 }
    }

    It 'stops training within a second, leaving a checkpoint that -Resume continues' {
        $dir = Join-Path $TestDrive 'stop-training'
        $r = Measure-Stop { param($Dir) Start-NmrTraining $Dir -GridSize 16 -BaseChannels 4 -Depth 2 -BatchSize 16 -Samples 100000000 -ValidationInterval 1000 -ValidationSize 16 -TestSize 16 -Name stopped } `
            -WaitMs 1500 -Arguments @{ Dir = $dir } -Ready { Test-Path (Join-Path $dir 'training-log.csv') }
        $script:latencies['training'] = $r.Seconds
        $r.WasRunning | Should -BeTrue -Because $r.Errors
        $r.Seconds | Should -BeLessThan 1
        Test-Path (Join-Path $dir 'checkpoint.json') | Should -BeTrue
        @(Get-ChildItem $dir -Force -Recurse -Filter '*.tmp').Count | Should -Be 0
        $state = Get-Content (Join-Path $dir 'checkpoint.json') -Raw | ConvertFrom-Json
        $done = [long]$state.Step * 16
        $done | Should -BeGreaterThan 0
        $more = Start-NmrTraining $dir -Resume -Samples ($done + 32)
        $more.SamplesSeen | Should -Be ($done + 32)
    }
}
