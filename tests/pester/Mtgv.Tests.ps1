BeforeAll {
    Import-Module "$PSScriptRoot/../../NmrInversion.psd1" -Force
    function Get-ErrorRecord([scriptblock] $Script) {
        try { & $Script; return $null } catch { return $_ }
    }
    $script:signal = New-NmrDistribution -Preset H | New-NmrSignal -Snr 200 -Seed 1
}

Describe 'Invoke-NmrMtgv' {
    It 'pipes preset H at SNR 200 through the full search into Measure-NmrChi, beating a flat map by far' {
        $r = $signal | Invoke-NmrMtgv -WarningVariable w -WarningAction SilentlyContinue
        $r | Should -BeOfType ([NmrInversion.Engine.Inversion.MtgvResult])
        $r.Method | Should -Be 'MTGV'
        # An unconverged final solve is reported by the flag and by exactly one warning.
        if ($r.Converged) { $w.Count | Should -Be 0 } else { $w.Count | Should -Be 1 }
        $r.Misfit | Should -BeGreaterThan 0.8
        $r.Misfit | Should -BeLessThan 1.25
        $r.SearchCurve.Criterion | Should -Be 'BRD'
        $r.SearchCurve.Chosen.Beta | Should -Be $r.Beta
        $r.AlphaCurves.Count | Should -Be $r.SearchCurve.Points.Count
        [math]::Abs($r.Distribution.Sum - 1) | Should -BeLessThan 1e-9
        $chi = $r | Measure-NmrChi
        $chi.Method | Should -Be 'MTGV'
        $truth = New-NmrDistribution -Preset H
        $flat = New-NmrDistribution -Component @(-1, 5, -2, 5, 1)
        $chi.Chi2D | Should -BeLessThan ((Measure-NmrChi -Reference $truth -Reconstruction $flat).Chi2D / 4)
    }

    It 'uses fixed -Alpha and -Beta as given and reports them on the verbose stream' {
        $out = $signal | Invoke-NmrMtgv -Alpha 800 -Beta 2 -Verbose 4>&1
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $r = $out | Where-Object { $_ -is [NmrInversion.Engine.Inversion.MtgvResult] }
        $r.Alpha | Should -Be 800
        $r.Beta | Should -Be 2
        $r.SearchCurve.Criterion | Should -Be 'Fixed'
        $verbose.Count | Should -Be 1
        $verbose[0].Message | Should -Match 'alpha 800 \(fixed\), beta 2 \(Fixed'
    }

    It 'warns when -MaxIterations stops the solve before -Tolerance' {
        $out = $signal | Invoke-NmrMtgv -Alpha 800 -Beta 2 -MaxIterations 20 -Tolerance 1e-9 3>&1
        # one warning for the iteration limit (a second one may say that 20 iterations leave the data misfitted)
        @($out | Where-Object { $_ -is [System.Management.Automation.WarningRecord] -and $_.Message -match 'iteration limit' }).Count | Should -Be 1
        ($out | Where-Object { $_ -is [NmrInversion.Engine.Inversion.MtgvResult] }).Converged | Should -BeFalse
    }

    It 'inverts a 1D T2 signal' {
        $d = New-NmrDistribution -Experiment T2 -Component @(-2, 0.15, 0, 1, 1), @(-1, 0.15, 0, 1, 2)
        $r = $d | New-NmrSignal -Snr 500 -Seed 3 | Invoke-NmrMtgv
        $r.Distribution.Dimensions | Should -Be 1
        ($r | Measure-NmrChi).ChiT1 | Should -BeLessThan 1
    }

    It 'formats one table row per result' {
        $text = $signal | Invoke-NmrMtgv -Alpha 800 -Beta 2 | Out-String
        $text | Should -Match 'MTGV\s+H\s+200\s+800\s+2\s'
    }

    It 'refuses -<Name> <Value> with <Id>' -ForEach @(
        @{ Name = 'Alpha'; Value = 0; Id = 'AlphaInvalid' }
        @{ Name = 'Alpha'; Value = [double]::NaN; Id = 'AlphaInvalid' }
        @{ Name = 'Beta'; Value = -1; Id = 'BetaInvalid' }
        @{ Name = 'Tolerance'; Value = 0; Id = 'ToleranceInvalid' }
    ) {
        $splat = @{ $Name = $Value }
        $e = Get-ErrorRecord { $signal | Invoke-NmrMtgv @splat }
        $e | Should -Not -BeNullOrEmpty
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        "$($e.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
    }
}
