BeforeAll {
    Import-Module "$PSScriptRoot/../../NmrInversion.psd1" -Force
    function Get-ErrorRecord([scriptblock] $Script) {
        try { & $Script; return $null } catch { return $_ }
    }
    $script:signal = New-NmrDistribution -Preset D | New-NmrSignal -Snr 200 -Seed 1
}

Describe 'Invoke-NmrTikhonov' {
    It 'pipes preset <_> at SNR 200 into Measure-NmrChi with finite, sensible chi' -ForEach 'A', 'E', 'H' {
        $chi = New-NmrDistribution -Preset $_ | New-NmrSignal -Snr 200 -Seed 1 | Invoke-NmrTikhonov | Measure-NmrChi
        $chi.Method | Should -Be 'Tikhonov'
        $chi.Preset | Should -Be $_
        $chi.Snr | Should -Be 200
        foreach ($v in $chi.Chi2D, $chi.ChiT1, $chi.ChiT2) {
            [double]::IsFinite($v) | Should -BeTrue
            $v | Should -BeGreaterThan 0
        }
        # A uniform map scores far worse: the reconstruction carries the peaks. (Measured with the default GCV plateau on
        # these draws: A 1.36 against a flat map's 3.38, E below a fifth, H 1.46 against 3.11; the plain GCV minimum gave
        # A and H under a fifth on these draws but 32 of 240 signals over ten noise draws more than three times their median.)
        $truth = New-NmrDistribution -Preset $_
        $flat = New-NmrDistribution -Component @(-1, 5, -2, 5, 1)
        $chiFlat = Measure-NmrChi -Reference $truth -Reconstruction $flat
        $chi.Chi2D | Should -BeLessThan ($chiFlat.Chi2D / 2)
    }

    It 'returns a TikhonovResult that fits to the noise, with its GCV curve' {
        $r = $signal | Invoke-NmrTikhonov
        $r | Should -BeOfType ([NmrInversion.Engine.Inversion.TikhonovResult])
        $r.AlphaMethod | Should -Be 'Gcv'
        $r.SearchCurve.Criterion | Should -Be 'GCV'
        $r.SearchCurve.Points.Count | Should -BeGreaterThan 10
        $r.SearchCurve.Chosen.Alpha | Should -Be $r.Alpha
        # The GCV plateau: the chosen score lies within 5% of the curve's minimum, and no larger alpha's does.
        $min = ($r.SearchCurve.Points | Measure-Object Score -Minimum).Minimum
        $r.SearchCurve.Chosen.Score | Should -BeLessOrEqual (1.05 * $min)
        @($r.SearchCurve.Points | Where-Object { $_.Alpha -gt $r.Alpha -and $_.Score -le 1.05 * $min }) | Should -BeNullOrEmpty
        $r.Misfit | Should -BeGreaterThan 0.5
        $r.Misfit | Should -BeLessThan 2
        $r.Converged | Should -BeTrue
        [math]::Abs($r.Distribution.Sum - 1) | Should -BeLessThan 1e-9
        $r.Distribution.Size | Should -Be '64x64'
        $r.Truth | Should -Not -BeNullOrEmpty
    }

    It 'uses a fixed -Alpha as given and reports it on the verbose stream' {
        $r = $signal | Invoke-NmrTikhonov -Alpha 0.25 -Verbose 4>&1
        $verbose = @($r | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $result = $r | Where-Object { $_ -is [NmrInversion.Engine.Inversion.TikhonovResult] }
        $result.Alpha | Should -Be 0.25
        $result.AlphaMethod | Should -Be 'Fixed'
        $verbose.Count | Should -Be 1
        $verbose[0].Message | Should -Match 'alpha 0\.25 \(Fixed'
    }

    It 'chooses alpha by <_>' -ForEach 'Brd', 'SCurve' {
        $r = $signal | Invoke-NmrTikhonov -AlphaMethod $_
        "$($r.AlphaMethod)" | Should -Be $_
        $r.Misfit | Should -BeLessThan 2
    }

    It 'searches inside -AlphaRange with -AlphaCount points' {
        $r = $signal | Invoke-NmrTikhonov -AlphaRange 0.01, 10 -AlphaCount 7
        $r.Alpha | Should -BeGreaterThan 0.001
        $r.Alpha | Should -BeLessThan 100
        @($r.SearchCurve.Points | Where-Object { $_.Alpha -ge 0.01 -and $_.Alpha -le 10 }).Count | Should -BeGreaterOrEqual 7
    }

    It 'inverts a 1D T2 signal' {
        $d = New-NmrDistribution -Experiment T2 -Component @(-2, 0.15, 0, 1, 1), @(-1, 0.15, 0, 1, 2)
        $r = $d | New-NmrSignal -Snr 500 -Seed 3 | Invoke-NmrTikhonov
        $r.Distribution.Dimensions | Should -Be 1
        ($r | Measure-NmrChi).ChiT1 | Should -BeLessThan 1
    }

    It 'formats one table row per result' {
        $text = $signal | Invoke-NmrTikhonov -Alpha 0.3 | Out-String
        $text | Should -Match 'Tikhonov\s+D\s+200\s+0\.3\s+Fixed'
    }

    It 'refuses -Alpha <Value> with AlphaInvalid / InvalidArgument' -ForEach @(
        @{ Value = [double]::NaN }, @{ Value = 0 }, @{ Value = -1 }, @{ Value = [double]::PositiveInfinity }
    ) {
        $e = Get-ErrorRecord { $signal | Invoke-NmrTikhonov -Alpha $Value }
        $e.FullyQualifiedErrorId | Should -BeLike 'AlphaInvalid,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses a reversed -AlphaRange with AlphaRangeInvalid' {
        $e = Get-ErrorRecord { $signal | Invoke-NmrTikhonov -AlphaRange 10, 1 }
        $e.FullyQualifiedErrorId | Should -BeLike 'AlphaRangeInvalid,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses an unknown -AlphaMethod at binding' {
        $e = Get-ErrorRecord { $signal | Invoke-NmrTikhonov -AlphaMethod Lcurve }
        $e.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
    }

    It 'reports a per-signal AlphaTooSmall error and goes on with the next signal' {
        $two = New-NmrDistribution -Preset A, B | New-NmrSignal -Snr 200 -Seed 1
        $out = $two | Invoke-NmrTikhonov -Alpha 1e-30 -ErrorVariable errs -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 0
        $errs.Count | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'AlphaTooSmall,*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject.Name | Should -Be 'A'
    }

    It 'reports NoiseLevelUnknown / InvalidData for BRD on a signal without a noise level' {
        $t = [NmrInversion.Engine.Grids.AcquisitionAxis]::new('t2', [double[]](1e-3, 1e-2, 1e-1, 1, 10))
        $r = [NmrInversion.Engine.Grids.RelaxationAxis]::new('T2', [double[]](1e-3, 1e-2, 1e-1, 1, 10))
        $values = [double[,]]::new(5, 1)
        0..4 | ForEach-Object { $values[$_, 0] = [math]::Exp(-$_) }
        $kp = [NmrInversion.Engine.Kernels.KernelPair]::For('T2', 'Inversion')
        $s = [NmrInversion.Engine.Signals.Signal2D]::new($values, $t, [NmrInversion.Engine.Grids.AcquisitionAxis]::Single(), $kp,
            $r, [NmrInversion.Engine.Grids.RelaxationAxis]::Single(), $null, $null, $null, 'no noise', $null, $null)
        $null = $s | Invoke-NmrTikhonov -AlphaMethod Brd -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NoiseLevelUnknown,*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }
}

Describe 'Invoke-NmrTikhonov and Invoke-NmrMtgv onto another relaxation grid' {
    BeforeAll {
        Import-Module "$PSScriptRoot/../../NmrInversion.psd1" -Force
        $s = New-NmrDistribution -Preset D | New-NmrSignal -Snr 200 -Seed 4
        $t1 = 1..48 | ForEach-Object { [math]::Pow(10, -4 + 5 * ($_ - 1) / 47) }   # 1e-4 .. 10 s
    }

    It 'reconstructs on the grid given and drops a truth from another grid' {
        $r = $s | Invoke-NmrTikhonov -RelaxationAxis1 $t1
        $r.Distribution.Axis1.Count | Should -Be 48
        $r.Distribution.Axis1.Minimum | Should -Be 1e-4
        $r.Distribution.Axis2.Count | Should -Be 64
        $r.Truth | Should -BeNullOrEmpty
        # preset D's peaks sit at T1 0.05 s and 0.25 s: the projection's mass below 1 ms stays small
        $p = $r.Distribution.Projection1()
        $below = 0.0; for ($i = 0; $i -lt 48; $i++) { if ($t1[$i] -lt 1e-3) { $below += $p[$i] } }
        $below | Should -BeLessThan 0.05
        $r.Misfit | Should -BeLessThan 1.2
    }

    It 'refuses a bad grid with AxisNotIncreasing / InvalidData for that signal' {
        $e = $null
        $s | Invoke-NmrMtgv -RelaxationAxis2 @(0.1, 0.01, 1) -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'AxisNotIncreasing,*'
        $e[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }
}
